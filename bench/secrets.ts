/**
 * Secret detection quality and speed: per-family recall and false alarms on the vendor corpus
 * (development and held-out parts), the older seeded corpus, redaction throughput on realistic
 * source, and real code from node_modules, which must come through unchanged.
 * `npm run bench:secrets`; `--verbose` also prints every miss and false alarm.
 */
import { SecretRedactor } from '../src/safety/secretRedactor.ts';
import { buildSecretCorpus, type CorpusScore, scoreCorpus } from '../test/unit/safety/secretCorpus.ts';
import { buildVendorCorpus, type CorpusPart, vendorCount } from '../test/unit/safety/vendorCorpus.ts';

const verbose = process.argv.includes('--verbose');
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const redact = (text: string) => new SecretRedactor().redact(text);

const parts: readonly CorpusPart[] = ['dev', 'heldout'];
const scores = new Map<CorpusPart, CorpusScore>();
for (const part of parts) {
  const corpus = buildVendorCorpus(part);
  scores.set(part, scoreCorpus(corpus, redact));
  const positives = corpus.filter((s) => s.secrets.length > 0).length;
  console.log(`vendor corpus, ${part}: ${corpus.length} samples (${positives} with secrets, ${corpus.length - positives} hard negatives)`);
}
console.log(`formats from ${vendorCount} vendors\n`);
console.log('family'.padEnd(22) + parts.map((part) => `${part} n`.padStart(10) + 'recall'.padStart(8) + 'false+'.padStart(7)).join(''));
const families = [...new Set(parts.flatMap((part) => [...scores.get(part)!.byKind.keys()]))].sort();
for (const family of families) {
  const cells = parts.map((part) => {
    const s = scores.get(part)!.byKind.get(family);
    if (!s) return ''.padStart(25);
    return String(s.samples).padStart(10) + (s.secrets === 0 ? '-' : pct(s.found / s.secrets)).padStart(8) + String(s.falsePositives).padStart(7);
  });
  console.log(family.padEnd(22) + cells.join(''));
}
for (const part of parts) {
  const score = scores.get(part)!;
  const weak = [...score.byKind].filter(([, s]) => s.secrets >= 5 && s.found / s.secrets < 0.9).map(([family]) => family);
  console.log(`${part}: precision ${pct(score.precision)}, recall ${pct(score.recall)}; families under 90% recall: ${weak.length ? weak.join(', ') : 'none'}`);
  if (verbose) {
    for (const miss of score.misses) console.log(`  MISS [${miss.kind}] ${JSON.stringify(miss.text).slice(0, 200)}`);
    for (const alarm of score.falseAlarms) console.log(`  FALSE [${alarm.sample.kind}] ${JSON.stringify(alarm.redacted).slice(0, 200)}`);
  }
}

// The first corpus, with other seeds: fresh values for the same templates.
for (const seed of [undefined, 1, 2]) {
  const other = scoreCorpus(buildSecretCorpus(seed), redact);
  console.log(`seeded corpus${seed === undefined ? '' : `, seed ${seed}`}: precision ${pct(other.precision)}, recall ${pct(other.recall)}${verbose ? other.misses.map((m) => `\n  MISS [${m.kind}] ${JSON.stringify(m.text).slice(0, 160)}`).join('') + other.falseAlarms.map((a) => `\n  FALSE [${a.sample.kind}] ${JSON.stringify(a.redacted).slice(0, 160)}`).join('') : ''}`);
}

// Throughput on ~100 KB of ordinary code with a few secrets in it: what the completion path pays.
const lines: string[] = [];
for (let i = 0; lines.join('\n').length < 100_000; i++) {
  lines.push(
    `export function handler${i}(request: Request, options: HandlerOptions = {}): Promise<Response> {`,
    `  const token = request.headers.get('authorization') ?? '';`,
    `  const cacheKey = \`handler:${i}:\${request.url}\`;`,
    `  if (options.retries > ${i % 7}) logger.debug('retrying', { attempt: ${i}, id: "3f1c${i}a9e-7b2d" });`,
    `  return fetch(\`https://api.example.com/v1/items/${i}\`, { headers: { Authorization: \`Bearer \${token}\` } });`,
    '}',
  );
  if (i % 50 === 0) lines.push(`const password = "Tq8${i}vLz!xP2mK";`, 'const url = "postgres://app:k9Fv2Lq8zR@db.internal:5432/app";');
}
const source = lines.join('\n');
const redactor = new SecretRedactor();
for (let i = 0; i < 20; i++) redactor.redact(source);
// Ten batches of twenty, reported by the median batch: a machine shared with other work slows
// some batches down, and the median is what a quiet machine sees.
const batchMs: number[] = [];
let redactions = 0;
for (let batch = 0; batch < 10; batch++) {
  const started = performance.now();
  for (let i = 0; i < 20; i++) redactions = redactor.redact(source).count;
  batchMs.push((performance.now() - started) / 20);
}
batchMs.sort((a, b) => a - b);
const perRun = (batchMs[4]! + batchMs[5]!) / 2;
const mbps = (ms: number) => (source.length / 1e6 / (ms / 1000)).toFixed(1);
console.log(`\nthroughput: ${(source.length / 1024).toFixed(0)} KB source, ${perRun.toFixed(2)} ms per redact, ${mbps(perRun)} MB/s median of 10 batches (slowest ${mbps(batchMs[9]!)}, fastest ${mbps(batchMs[0]!)}; ${redactions} redactions each)`);

// Real code as negatives: third-party code under node_modules holds almost no real secrets, so
// nearly every redaction there is a false alarm (or a vendor's test fixture). Files are cut into
// chunks of 60 lines, the size of a completion's context, and each chunk is redacted alone.
const { readdirSync, readFileSync, statSync } = await import('node:fs');
const { join } = await import('node:path');
const root = join(import.meta.dirname, '..', 'node_modules');
const budget = 40_000_000;
let scanned = 0;
let files = 0;
let chunks = 0;
let changed = 0;
let redactSeconds = 0;
const alarms = new Map<string, string[]>();
// At most 1 MB per package, so the sample spans many packages rather than the first few.
const perPackage = 1_000_000;
let packageScanned = 0;
const scanChunk = (path: string, chunk: string): void => {
  chunks++;
  const started = performance.now();
  const result = new SecretRedactor().redact(chunk);
  redactSeconds += (performance.now() - started) / 1000;
  if (result.count === 0) return;
  changed++;
  for (const line of result.text.split('\n').filter((l) => l.includes('GW_REDACTED_'))) {
    const kind = /GW_REDACTED_([A-Z_]+?)_\d+/.exec(line)?.[1] ?? '?';
    const list = alarms.get(kind) ?? [];
    list.push(`${path.slice(root.length + 1)}: ${line.trim().slice(0, 140)}`);
    alarms.set(kind, list);
  }
};
const walk = (dir: string, depth = 0): void => {
  if (scanned >= budget || packageScanned >= perPackage) return;
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const entry of entries) {
    if (scanned >= budget) return;
    const path = join(dir, entry);
    const isPackage = depth === 0 ? !entry.startsWith('@') : depth === 1 && dir.endsWith(dir.split(/[\\/]/).find((s) => s.startsWith('@')) ?? '\0');
    if (isPackage) packageScanned = 0;
    if (packageScanned >= perPackage) continue;
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) walk(path, depth + 1);
    else if (/\.(ts|js|mjs|cjs|json|ya?ml|md)$/.test(entry) && stat.size < 2_000_000) {
      const text = readFileSync(path, 'utf8');
      scanned += text.length;
      packageScanned += text.length;
      files++;
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i += 60) scanChunk(path, lines.slice(i, i + 60).join('\n'));
    }
  }
};
walk(root);
const total = [...alarms.values()].reduce((sum, list) => sum + list.length, 0);
console.log(`\nnode_modules: ${files} files, ${(scanned / 1e6).toFixed(1)} MB in ${chunks} chunks of 60 lines; ${changed} chunks changed, ${total} lines redacted; ${(scanned / 1e6 / redactSeconds).toFixed(1)} MB/s redacting`);
for (const [kind, list] of [...alarms].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`  ${kind.padEnd(22)} ${String(list.length).padStart(5)}`);
  if (verbose) for (const line of list.slice(0, 15)) console.log(`      ${line}`);
}
