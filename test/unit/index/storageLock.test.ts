import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { lockFileName, StorageLock } from '../../../src/index/storageLock.ts';
import { exitedPid } from '../../support/processes.ts';

function directory(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('holders never overlap, and the lock is gone once the last has finished', async (t) => {
  const dir = directory(t);
  let inside = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 5 }, () =>
      new StorageLock(dir).run(async () => {
        most = Math.max(most, ++inside);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inside--;
      }),
    ),
  );
  assert.equal(most, 1);
  assert.equal(existsSync(join(dir, lockFileName)), false);
});

test('a lock left by a process that is gone, or whose lease ran out, is taken over', async (t) => {
  const dir = directory(t);
  const now = Date.now();
  writeFileSync(join(dir, lockFileName), JSON.stringify({ pid: exitedPid(), hostname: hostname(), token: 'dead', acquiredAt: now, leaseUntil: now + 60_000 }));
  assert.equal(await new StorageLock(dir).run(async () => 'ran'), 'ran');
  // A live pid (this test's parent) on another host: only its lease can free it.
  writeFileSync(join(dir, lockFileName), JSON.stringify({ pid: process.ppid, hostname: 'elsewhere', token: 'old', acquiredAt: now - 120_000, leaseUntil: now - 60_000 }));
  assert.equal(await new StorageLock(dir).run(async () => 'ran'), 'ran');
});

test('a live holder is waited for, not broken', async (t) => {
  const dir = directory(t);
  const now = Date.now();
  writeFileSync(join(dir, lockFileName), JSON.stringify({ pid: process.ppid, hostname: hostname(), token: 'live', acquiredAt: now, leaseUntil: now + 60_000 }));
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 150);
  await assert.rejects(new StorageLock(dir).run(async () => 'ran', controller.signal), (error: unknown) => (error as Error).name === 'AbortError');
});
