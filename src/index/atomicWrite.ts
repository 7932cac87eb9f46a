import { promises as fsp } from 'node:fs';

let tempCounter = 0;

/** A temp name beside `path`, unique in this process and naming it, for `isAbandonedTemp`. */
export function tempNameFor(path: string): string {
  return `${path}.tmp-${process.pid}-${tempCounter++}`;
}

/**
 * A temp file whose writer is gone: a save killed midway. A live writer's temp is left alone, since
 * a second window on the same workspace storage may be saving into it right now.
 */
export function isAbandonedTemp(name: string): boolean {
  const writer = /\.tmp-(\d+)-\d+$/.exec(name);
  return writer !== null && !isProcessAlive(Number(writer[1]));
}

/** Whether a process of this machine with that id runs (this one included). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Write to a temp file, then rename over the target: readers see old or new, never half, even when
 * the process is killed mid-write. `flush` also forces the data to disk first, against power loss;
 * shards skip it (a full build would wait seconds on 256 fsyncs) because their checksum already
 * turns a torn shard into a rebuild of that shard alone.
 */
export async function writeAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[], flush = true): Promise<void> {
  const temp = tempNameFor(path);
  const handle = await fsp.open(temp, 'w');
  try {
    // Parts are written one after another, so a large file is never concatenated in memory.
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else for (const part of data) await writeAll(handle, part);
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

async function writeAll(handle: fsp.FileHandle, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length; ) {
    written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten;
  }
}

/**
 * Identifies one version of a file without reading it: inode, size and modification time. A file
 * replaced by `writeAtomic` always gets a new inode (the temp file existed beside the old one), so
 * every save changes it. `missing` when there is no file.
 */
export async function fileFingerprint(path: string): Promise<string> {
  try {
    const stat = await fsp.stat(path, { bigint: true });
    return `${stat.ino}:${stat.size}:${stat.mtimeNs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}
