import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { isAbandonedTemp, writeAtomic } from './atomicWrite.ts';
import { snapshotFileName } from './indexSnapshot.ts';
import type { ChunkStore, StoreKind, StoreManifest } from './chunkStore.ts';
import { BinaryShardStore } from './binaryShardStore.ts';
import { StorageLock } from './storageLock.ts';
import { VectraStore } from './vectraStore.ts';

/** Bumped when the layout of the manifest or of either store changes: old stores are rebuilt. */
export const storeFormatVersion = 4;

/** `auto`: keep the store that is there; a new one starts as vectra (the index may switch it while it is empty). */
export type StoreChoice = StoreKind | 'auto';

export interface WantedStore {
  readonly embedderId: string;
  readonly dimensions: number;
  readonly kind: StoreChoice;
  readonly shardCount?: number;
}

export function createChunkStore(directory: string, manifest: StoreManifest): ChunkStore {
  return manifest.store === 'vectra' ? new VectraStore(directory, manifest) : new BinaryShardStore(directory, manifest);
}

/** The manifest on disk, or undefined when there is none or it does not parse. */
export async function readManifest(directory: string): Promise<Partial<StoreManifest> | undefined> {
  try {
    return JSON.parse(await fsp.readFile(join(directory, 'manifest.json'), 'utf8')) as Partial<StoreManifest>;
  } catch {
    return undefined;
  }
}

/**
 * Opens the store in `directory`, creating it. When the manifest names another embedder, size,
 * format or store kind, the old shards are deleted (`reset`): vectors of different models cannot
 * be compared, and a store of the other kind is rebuilt rather than converted. Everything it
 * deletes, it deletes holding the storage's writer lock: another window may be moving the store.
 */
export async function openChunkStore(directory: string, wanted: WantedStore): Promise<{ store: ChunkStore; reset: boolean }> {
  await fsp.mkdir(directory, { recursive: true });
  return new StorageLock(directory).run(() => openChunkStoreHoldingLock(directory, wanted));
}

/** `openChunkStore` for a caller that already holds the storage's writer lock. */
export async function openChunkStoreHoldingLock(directory: string, wanted: WantedStore): Promise<{ store: ChunkStore; reset: boolean }> {
  await fsp.mkdir(directory, { recursive: true });
  const existing = await readManifest(directory);
  const matches =
    existing !== undefined &&
    existing.formatVersion === storeFormatVersion &&
    existing.embedderId === wanted.embedderId &&
    existing.dimensions === wanted.dimensions &&
    (existing.store === 'vectra' || existing.store === 'binary') &&
    (wanted.kind === 'auto' || existing.store === wanted.kind) &&
    Number.isInteger(existing.shardCount) &&
    existing.shardCount! > 0;
  const manifest: StoreManifest = matches
    ? (existing as StoreManifest)
    : {
        formatVersion: storeFormatVersion,
        store: wanted.kind === 'auto' ? 'vectra' : wanted.kind,
        embedderId: wanted.embedderId,
        dimensions: wanted.dimensions,
        shardCount: wanted.shardCount ?? 256,
      };
  // Saves that never finished (the manifest's, the snapshot's) leave temp files beside them; a live
  // writer's (another window on this storage) stays.
  for (const name of await fsp.readdir(directory)) if (isAbandonedTemp(name)) await fsp.rm(join(directory, name), { force: true });
  if (matches) {
    const store = createChunkStore(directory, manifest);
    await store.removeLeftovers();
    // Shards of the other kind: a move (moveChunkStore) killed before or after its manifest
    // switched. Not a move under way: that holds the lock this runs under.
    await createChunkStore(directory, { ...manifest, store: manifest.store === 'vectra' ? 'binary' : 'vectra' }).clear();
    return { store, reset: false };
  }
  // Whatever was here (either kind, any format, the snapshot) goes before the new manifest is written.
  for (const kind of ['vectra', 'binary'] as const) await createChunkStore(directory, { ...manifest, store: kind }).clear();
  await fsp.rm(join(directory, snapshotFileName), { force: true });
  await writeAtomic(join(directory, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { store: createChunkStore(directory, manifest), reset: existing !== undefined };
}

/**
 * Moves every shard of `from` into a new store of `kind` in the same folder, without re-indexing:
 * each shard is read and written whole, then the manifest switches and the old shards go. Killed
 * midway, the manifest still names the old store, which is intact; the next move starts over. A
 * shard that reads as corrupt is left behind, and the index re-indexes its files. The caller holds
 * the storage's writer lock for the whole move, so no other window writes the old store meanwhile
 * or clears the new one as leftovers.
 */
export async function moveChunkStore(from: ChunkStore, kind: StoreKind): Promise<ChunkStore> {
  const manifest: StoreManifest = { ...from.manifest, store: kind };
  const to = createChunkStore(from.directory, manifest);
  await to.clear();
  for (let shard = 0; shard < manifest.shardCount; shard++) {
    const read = await from.read(shard);
    if (read.kind === 'ok' && read.files.length > 0) await to.write(shard, read.files);
  }
  await writeAtomic(join(from.directory, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await from.clear();
  return to;
}
