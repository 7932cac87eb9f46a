import { join } from 'node:path';
import { Chunker } from '../chunker.ts';
import { defaultDiscoveryOptions, type DiscoveryOptions, discoverFiles } from '../discovery.ts';
import type { CachingEmbedder } from '../embedder.ts';
import { type IndexFileSystem, nodeIndexFileSystem } from '../indexFileSystem.ts';
import { TreeSitterParsers } from '../treeSitterParsers.ts';
import type { SharedIndex, SharedView } from './sharedIndex.ts';
import { SharedIndexSearch } from './sharedIndexSearch.ts';
import { type ViewUpdate, writeView } from './sharedIndexWriter.ts';

/** A checkout to index or search: the folder, and the repository and commit it holds. */
export interface Checkout {
  /** Absolute path of the working tree. */
  readonly root: string;
  /** The root id hits carry. */
  readonly rootId: string;
  /** The repository identity (repositoryIdentity.ts). */
  readonly identity: string;
  readonly commit: string;
}

export interface CheckoutIndexingOptions {
  readonly discovery?: Partial<DiscoveryOptions>;
  /** Paths to leave out (files that differ from the commit, so the view holds only the commit). */
  readonly skipPaths?: ReadonlySet<string>;
  readonly fs?: IndexFileSystem;
  readonly grammarDirectory?: string;
  readonly progress?: (phase: 'discovering' | 'indexing', done: number, total: number) => void;
}

export interface CheckoutIndexResult extends ViewUpdate {
  readonly view: SharedView;
  readonly capMessage?: string;
}

/**
 * Indexes a checkout into the shared index at its commit, with the same discovery rules as the
 * local index (ignore files, secrets, size, binaries): what `groundwork index --postgres` runs.
 */
export async function indexCheckout(index: SharedIndex, embedder: CachingEmbedder, checkout: Checkout, options: CheckoutIndexingOptions, signal: AbortSignal): Promise<CheckoutIndexResult> {
  const fs = options.fs ?? nodeIndexFileSystem;
  const discovery = { ...defaultDiscoveryOptions, ...options.discovery };
  options.progress?.('discovering', 0, 0);
  const found = await discoverFiles([{ id: checkout.rootId, path: checkout.root }], fs, discovery, signal);
  const files = options.skipPaths ? found.files.filter((file) => !options.skipPaths!.has(file.path)) : found.files;
  const view = { repositoryId: await index.repositoryId(checkout.identity), commit: checkout.commit };
  const chunker = new Chunker(new TreeSitterParsers(options.grammarDirectory));
  const update = await writeView({ index, chunker, embedder, fs, maxFileSizeBytes: discovery.maxFileSizeBytes }, view, files, signal, (done, total) => options.progress?.('indexing', done, total));
  return { ...update, view, ...(found.capMessage ? { capMessage: found.capMessage } : {}) };
}

/**
 * Search over a checkout's commit in the shared index, leaving out `excludePaths` (what a local
 * overlay answers for: files changed since the commit). Undefined when the shared index does not
 * hold the repository at that commit.
 */
export async function searchCheckout(index: SharedIndex, embedder: CachingEmbedder, checkout: Checkout, excludePaths: Iterable<string> = []): Promise<SharedIndexSearch | undefined> {
  const repositoryId = await index.findRepositoryId(checkout.identity);
  if (repositoryId === undefined) return undefined;
  const view = { repositoryId, commit: checkout.commit };
  if (!(await index.totals(view))) return undefined;
  return new SharedIndexSearch(index, view, {
    root: checkout.rootId,
    absolutePath: (path) => join(checkout.root, ...path.split('/')),
    excludePaths,
    embedQuery: (query, signal) => embedder.embedQuery(query, signal),
  });
}
