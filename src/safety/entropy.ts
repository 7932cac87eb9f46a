/**
 * Shannon entropy of a string in bits per character: about 4 for hex digests, 5 to 6 for random
 * base64 and 2 to 3.5 for words and identifiers. Counts UTF-16 code units, which is exact for the
 * ASCII that keys are made of.
 */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
