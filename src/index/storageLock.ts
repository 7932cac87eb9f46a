import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { abortReason } from '../common/async.ts';
import { isProcessAlive, writeAtomic } from './atomicWrite.ts';

/** What the lock file holds: who writes the storage, and until when without renewing. */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  /** Tells two holdings by one pid apart (a reused pid, two indexes in one process). */
  readonly token: string;
  readonly acquiredAt: number;
  readonly leaseUntil: number;
}

export interface StorageLockOptions {
  /** How long a holding stays valid without renewal. Default 30 s; renewed every third of it. */
  readonly leaseMs?: number;
  /** Wait between attempts while another process holds it. Default 15 ms, with jitter. */
  readonly pollMs?: number;
}

export const lockFileName = 'writer.lock';

// Holdings of this process: a lock file naming this pid but none of these is left over.
const heldTokens = new Set<string>();

/**
 * One writer at a time per index storage, across processes: two windows on one workspace share
 * its storage, and a shard read, changed and written by both at once loses one window's files.
 * The lock is a file created exclusively (`wx`) holding its owner; it is stale when that process
 * is gone (same host) or its lease ran out without renewal (a reused pid, another host on a network
 * drive). Holdings are short: a shard's re-read and write, or a store move.
 */
export class StorageLock {
  readonly path: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;

  constructor(directory: string, options: StorageLockOptions = {}) {
    this.path = join(directory, lockFileName);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 15;
  }

  /** Runs `work` holding the lock, waiting for it first; not reentrant. */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const owner = await this.acquire(signal);
    // Renewals run one after another, and the last has finished before the release: a late one
    // would otherwise put the lock file back after it was removed.
    let renewing = Promise.resolve();
    const renew = setInterval(() => {
      renewing = renewing.then(() => this.renew(owner)).catch(() => undefined);
    }, Math.max(10, this.leaseMs / 3));
    renew.unref?.();
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await renewing;
      await this.release(owner);
    }
  }

  /** The current owner, or undefined when the lock is free or unreadable. */
  async owner(): Promise<LockOwner | undefined> {
    try {
      const parsed = JSON.parse(await fsp.readFile(this.path, 'utf8')) as Partial<LockOwner>;
      return typeof parsed.pid === 'number' && typeof parsed.token === 'string' && typeof parsed.leaseUntil === 'number' ? (parsed as LockOwner) : undefined;
    } catch {
      return undefined;
    }
  }

  private async acquire(signal?: AbortSignal): Promise<LockOwner> {
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      const now = Date.now();
      const owner: LockOwner = { pid: process.pid, hostname: hostname(), token: randomUUID(), acquiredAt: now, leaseUntil: now + this.leaseMs };
      try {
        const handle = await fsp.open(this.path, 'wx');
        try {
          await handle.writeFile(JSON.stringify(owner));
        } finally {
          await handle.close();
        }
        heldTokens.add(owner.token);
        return owner;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      await this.breakIfStale();
      await new Promise((resolve) => setTimeout(resolve, this.pollMs * (0.5 + Math.random())));
    }
  }

  /**
   * Removes the lock file when its owner is gone. Two waiters may both find it stale: the removal
   * happens under a second, exclusive `.break` file, and only if the lock still holds the stale
   * owner read, so one waiter never removes the lock the other has just taken.
   */
  private async breakIfStale(): Promise<void> {
    const seen = await this.owner();
    if (seen === undefined) {
      // Unreadable: a holder between create and write, or a torn file left by a crash.
      const stat = await fsp.stat(this.path).catch(() => undefined);
      if (!stat || Date.now() - stat.mtimeMs < this.leaseMs) return;
    } else if (!this.isStale(seen)) return;
    const breaker = `${this.path}.break`;
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(breaker, 'wx');
    } catch {
      // Another waiter is breaking it; a breaker that died leaves its file, removed once old.
      const stat = await fsp.stat(breaker).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > 5_000) await fsp.rm(breaker, { force: true });
      return;
    }
    try {
      const now = await this.owner();
      if (now?.token === seen?.token) await fsp.rm(this.path, { force: true });
    } finally {
      await handle.close();
      await fsp.rm(breaker, { force: true });
    }
  }

  private isStale(owner: LockOwner): boolean {
    if (owner.leaseUntil < Date.now()) return true;
    if (owner.hostname !== hostname()) return false;
    if (owner.pid === process.pid) return !heldTokens.has(owner.token);
    return !isProcessAlive(owner.pid);
  }

  private async renew(owner: LockOwner): Promise<void> {
    if (!heldTokens.has(owner.token)) return;
    const current = await this.owner();
    if (current?.token !== owner.token) return;
    await writeAtomic(this.path, JSON.stringify({ ...owner, leaseUntil: Date.now() + this.leaseMs }), false);
  }

  private async release(owner: LockOwner): Promise<void> {
    heldTokens.delete(owner.token);
    const current = await this.owner();
    if (current?.token === owner.token) await fsp.rm(this.path, { force: true });
  }
}
