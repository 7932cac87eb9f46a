import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/**
 * Every file of a zip archive (a .vsix is one), by path: enough of the format for the archives
 * vsce writes (stored or deflated entries, no zip64), so tests need no unzip tool.
 */
export function zipEntries(archive: string | Buffer): Map<string, Buffer> {
  const zip = typeof archive === 'string' ? readFileSync(archive) : archive;
  const path = typeof archive === 'string' ? archive : 'the archive';
  const endOfDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory === -1) throw new Error(`${path} is not a zip archive`);
  const count = zip.readUInt16LE(endOfDirectory + 10);
  let header = zip.readUInt32LE(endOfDirectory + 16);
  const entries = new Map<string, Buffer>();
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(header) !== 0x02014b50) throw new Error(`${path}: a broken central directory`);
    const method = zip.readUInt16LE(header + 10);
    const compressedSize = zip.readUInt32LE(header + 20);
    const nameLength = zip.readUInt16LE(header + 28);
    const name = zip.toString('utf8', header + 46, header + 46 + nameLength);
    const local = zip.readUInt32LE(header + 42);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (method !== 0 && method !== 8) throw new Error(`${path}: ${name} uses compression method ${method}`);
    entries.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    header += 46 + nameLength + zip.readUInt16LE(header + 30) + zip.readUInt16LE(header + 32);
  }
  return entries;
}
