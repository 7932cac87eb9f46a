import { basename } from 'node:path';
import type { CachingEmbedder } from './embedder.ts';
import type { IndexHit, IndexSearch } from './indexRetrieval.ts';
import { searchCheckout } from './postgres/checkoutIndexing.ts';
import { redactedUrl } from './postgres/connection.ts';
import { changedSince, repositoryAt, type RepositoryAt } from './postgres/repositoryIdentity.ts';
import type { SharedIndex } from './postgres/sharedIndex.ts';
import { reciprocalRankFusion } from './rankFusion.ts';

/** What the overlay searched last, for the status and the log. */
export type OverlayState =
  | { readonly kind: 'shared'; readonly server: string; readonly identity: string; readonly commit: string; readonly localFiles: number }
  /** The shared index holds nothing for this repository: the local index answers alone. */
  | { readonly kind: 'notIndexed'; readonly server: string; readonly identity: string; readonly commit: string }
  /** The server failed (unreachable, refused): the local index answers alone. */
  | { readonly kind: 'unavailable'; readonly server: string; readonly message: string };

export interface SharedOverlayOptions {
  /** The connection string (with its password: kept in Secret Storage by the shell, never printed). */
  readonly url: string;
  /** The workspace folder: a git checkout. */
  readonly root: string;
  readonly open: (url: string) => Promise<SharedIndex>;
  readonly embedder: CachingEmbedder;
  readonly onState?: (state: OverlayState) => void;
  /** The checkout (identity, commit, changed paths), read again after this long. */
  readonly checkoutTtlMs?: number;
  readonly repository?: (root: string) => Promise<RepositoryAt>;
  readonly changedSince?: (root: string, commit: string) => Promise<string[] | undefined>;
}

/**
 * Search over a team's shared index with this checkout's changes on top: the shared index at
 * the commit checked out answers for every file but those that differ locally (uncommitted, or
 * changed since), which the local index answers for; the two lists are fused by rank. Nothing is
 * written to the server. When the server fails, or does not hold the repository, the local
 * index answers alone and `onState` says why.
 */
export class SharedOverlay {
  private readonly options: SharedOverlayOptions;
  private index: Promise<SharedIndex> | undefined;
  private checkout: { readonly at: RepositoryAt; readonly readAt: number } | undefined;
  private lastState: string | undefined;
  private base: { readonly head: string; readonly dirty: string; readonly value: { readonly commit: string; readonly changed: ReadonlySet<string> } | undefined } | undefined;

  constructor(options: SharedOverlayOptions) {
    this.options = options;
  }

  /** `local` searched alone, or fused with the shared index as described above. */
  search(local: IndexSearch): IndexSearch {
    return async (query, { top }, signal) => {
      const server = redactedUrl(this.options.url);
      let at: RepositoryAt;
      let shared: IndexHit[] | undefined;
      try {
        at = await this.currentCheckout();
        const index = await (this.index ??= this.options.open(this.options.url));
        const base = await this.baseOf(index, at);
        if (!base) {
          this.report({ kind: 'notIndexed', server, identity: at.identity, commit: at.commit });
          return local(query, { top }, signal);
        }
        const { changed, commit } = base;
        const search = await searchCheckout(index, this.options.embedder, { root: this.options.root, rootId: basename(this.options.root) || 'root', identity: at.identity, commit }, changed);
        if (!search) {
          this.report({ kind: 'notIndexed', server, identity: at.identity, commit: at.commit });
          return local(query, { top }, signal);
        }
        shared = (await search.search(query, { top }, signal)).map((hit) => ({ path: hit.path, startLine: hit.startLine, endLine: hit.endLine, score: hit.score, ...(hit.symbol ? { symbol: hit.symbol } : {}) }));
        const mine = (await local(query, { top: top * 3 }, signal)).filter((hit) => changed.has(hit.path));
        this.report({ kind: 'shared', server, identity: at.identity, commit, localFiles: changed.size });
        const byKey = new Map<string, IndexHit>();
        const key = (hit: IndexHit) => `${hit.path}:${hit.startLine}-${hit.endLine}`;
        for (const hit of [...shared, ...mine]) byKey.set(key(hit), hit);
        const ids = [...byKey.keys()];
        const number = new Map(ids.map((id, i) => [id, i]));
        const fused = reciprocalRankFusion([
          { retriever: 'vector', ids: shared.map((hit) => number.get(key(hit))!) },
          { retriever: 'keyword', ids: mine.map((hit) => number.get(key(hit))!) },
        ]);
        return fused.slice(0, top).map((item) => ({ ...byKey.get(ids[item.id]!)!, score: item.score }));
      } catch (error) {
        if (signal.aborted) throw error;
        // A pool that failed is opened again next time: the server may be back.
        this.index = undefined;
        this.report({ kind: 'unavailable', server, message: error instanceof Error ? error.message : String(error) });
        return local(query, { top }, signal);
      }
    };
  }

  /**
   * The shared commit to search and the paths this machine answers for: HEAD and its uncommitted
   * changes when the shared index holds HEAD; else the newest indexed commit that HEAD descends
   * from, with everything changed since (a branch's commits, then its uncommitted changes).
   */
  private async baseOf(index: SharedIndex, at: RepositoryAt): Promise<{ readonly commit: string; readonly changed: ReadonlySet<string> } | undefined> {
    const cached = this.base;
    if (cached && cached.head === at.commit && cached.dirty === at.dirtyPaths.join('\0')) return cached.value;
    let value: { readonly commit: string; readonly changed: ReadonlySet<string> } | undefined;
    const repositoryId = await index.findRepositoryId(at.identity);
    const commits = repositoryId === undefined ? [] : await index.commits(repositoryId);
    if (commits.some((entry) => entry.commit === at.commit)) value = { commit: at.commit, changed: new Set(at.dirtyPaths) };
    else {
      for (const entry of commits) {
        const since = await (this.options.changedSince ?? changedSince)(this.options.root, entry.commit);
        if (since) {
          value = { commit: entry.commit, changed: new Set(since) };
          break;
        }
      }
    }
    this.base = { head: at.commit, dirty: at.dirtyPaths.join('\0'), value };
    return value;
  }

  async close(): Promise<void> {
    const index = this.index;
    this.index = undefined;
    await (await index?.catch(() => undefined))?.close();
  }

  private async currentCheckout(): Promise<RepositoryAt> {
    const now = Date.now();
    if (this.checkout && now - this.checkout.readAt < (this.options.checkoutTtlMs ?? 5_000)) return this.checkout.at;
    const at = await (this.options.repository ?? repositoryAt)(this.options.root);
    this.checkout = { at, readAt: now };
    return at;
  }

  /** Says a state once, until it changes. */
  private report(state: OverlayState): void {
    const text = JSON.stringify(state.kind === 'shared' ? { ...state, localFiles: 0 } : state);
    if (text === this.lastState) return;
    this.lastState = text;
    this.options.onState?.(state);
  }
}
