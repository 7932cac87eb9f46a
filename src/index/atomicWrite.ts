import { promises as fsp } from 'node:fs';

let tempCounter = 0;

/** A temp name beside `path`, unique in this process; `isTempName` recognises leftovers. */
export function tempNameFor(path: string): string {
  return `${path}.tmp-${process.pid}-${tempCounter++}`;
}

export function isTempName(name: string): boolean {
  return name.includes('.tmp-');
}

/**
 * Write to a temp file, then rename over the target: readers see old or new, never half, even when
 * the process is killed mid-write. `flush` also forces the data to disk first, against power loss;
 * shards skip it (a full build would wait seconds on 256 fsyncs) because their checksum already
 * turns a torn shard into a rebuild of that shard alone.
 */
export async function writeAtomic(path: string, data: string | Uint8Array, flush = true): Promise<void> {
  const temp = tempNameFor(path);
  const handle = await fsp.open(temp, 'w');
  try {
    await handle.writeFile(data);
    if (flush) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fsp.rename(temp, path);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
}
