/**
 * Published package versions unpacked into a cache folder, so the release dataset's roots can be
 * rebuilt on a machine that has never seen them: `npm pack` is the only network use.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { stripComments } from './docComments.ts';

/** `GROUNDWORK_RETRIEVAL_CACHE`, else ~/.cache/groundwork/retrieval. */
export function releaseCacheDirectory(): string {
  return process.env.GROUNDWORK_RETRIEVAL_CACHE ?? join(homedir(), '.cache', 'groundwork', 'retrieval');
}

/**
 * Changelogs are removed from every unpacked tree: the tree is the state before a release, and
 * a changelog with an "Unreleased" section (Knex keeps one) could already hold the query.
 */
export const changelogName = /^(changelog|history|release-notes|releases)(\.md|\.markdown|\.txt)?$/i;

/**
 * `dir` in the cache, built by `build` into the folder it is given when missing. The tree is built
 * beside the final folder and renamed in: an interrupted build never looks complete.
 */
function cachedTree(dir: string, cache: string, build: (tree: string, scratch: string) => void): string {
  if (existsSync(dir)) return dir;
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, '.build-'));
  try {
    const tree = join(scratch, 'tree');
    build(tree, scratch);
    renameSync(tree, dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return dir;
}

/** The folder holding `spec` ("mongoose@5.13.2") unpacked, fetching it first when missing. */
export function releaseRoot(spec: string, cache = releaseCacheDirectory()): string {
  return cachedTree(join(cache, spec.replace('/', '+')), cache, (tree, scratch) => {
    const tarball = packInto(spec, scratch);
    mkdirSync(tree);
    // Tarballs hold one top folder, usually package/, not always by that name.
    execFileSync('tar', ['-xzf', join(scratch, tarball), '-C', tree, '--strip-components=1']);
    for (const name of readdirSync(tree)) {
      if (changelogName.test(name)) rmSync(join(tree, name), { force: true });
    }
  });
}

/**
 * Files that could hold a doc comment's text: Markdown and text files, docs folders, and source
 * maps, whose `sourcesContent` is the original source, comments included (the index skips maps,
 * but the tree should not rely on that).
 */
const docFile = /\.(md|markdown|txt|map)$/i;
const docFolder = /^docs?$/i;
const scriptFile = /\.([cm]?[jt]sx?)$/;

/**
 * `spec` unpacked with every JS/TS comment and every doc file removed, for queries written from
 * doc comments (bench/docstringDataset.ts): the tree searched must not hold the query. Line
 * breaks of comments are kept, so line numbers match the release's. Built once, like
 * `releaseRoot` (`cachedTree`).
 */
export function strippedRoot(spec: string, cache = releaseCacheDirectory()): string {
  return cachedTree(join(cache, `${spec.replace('/', '+')}+nocomments`), cache, (tree) => {
    cpSync(releaseRoot(spec, cache), tree, { recursive: true });
    const strip = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) {
          if (docFolder.test(entry.name)) rmSync(path, { recursive: true, force: true });
          else strip(path);
        } else if (docFile.test(entry.name)) rmSync(path, { force: true });
        else if (entry.isFile() && scriptFile.test(entry.name)) writeFileSync(path, stripComments(readFileSync(path, 'utf8'), entry.name));
      }
    };
    strip(tree);
  });
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
