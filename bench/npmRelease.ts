/**
 * Published package versions unpacked into a cache folder, so the release dataset's roots can be
 * rebuilt on a machine that has never seen them: `npm pack` is the only network use.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `GROUNDWORK_RETRIEVAL_CACHE`, else ~/.cache/groundwork/retrieval. */
export function releaseCacheDirectory(): string {
  return process.env.GROUNDWORK_RETRIEVAL_CACHE ?? join(homedir(), '.cache', 'groundwork', 'retrieval');
}

/**
 * Changelogs are removed from every unpacked tree: the tree is the state before a release, and
 * a changelog with an "Unreleased" section (Knex keeps one) could already hold the query.
 */
export const changelogName = /^(changelog|history|release-notes|releases)(\.md|\.markdown|\.txt)?$/i;

/** The folder holding `spec` ("mongoose@5.13.2") unpacked, fetching it first when missing. */
export function releaseRoot(spec: string, cache = releaseCacheDirectory()): string {
  const dir = join(cache, spec.replace('/', '+'));
  if (existsSync(dir)) return dir;
  mkdirSync(cache, { recursive: true });
  // Unpack beside the final folder and rename: an interrupted fetch never looks complete.
  const scratch = mkdtempSync(join(cache, '.fetch-'));
  try {
    const tarball = packInto(spec, scratch);
    const tree = join(scratch, 'tree');
    mkdirSync(tree);
    // Tarballs hold one top folder, usually package/, not always by that name.
    execFileSync('tar', ['-xzf', join(scratch, tarball), '-C', tree, '--strip-components=1']);
    for (const name of readdirSync(tree)) {
      if (changelogName.test(name)) rmSync(join(tree, name), { force: true });
    }
    renameSync(tree, dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return dir;
}

/** One file of a published tarball, read without unpacking it (the changelog `releaseRoot` strips). */
export function fetchTarballFile(spec: string, fileName: string, cache = releaseCacheDirectory()): string {
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, '.fetch-'));
  try {
    const tarball = packInto(spec, scratch);
    return execFileSync('tar', ['-xzOf', join(scratch, tarball), '--wildcards', `*/${fileName}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Downloads `spec`'s tarball into `folder` with `npm pack`; returns its file name. */
function packInto(spec: string, folder: string): string {
  return execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', folder], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .trim()
    .split('\n')
    .pop()!;
}
