/** Which files of a published tree count as source, and which of them a release changed. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Source a retriever should find: code, not declarations, tests, docs, examples, build scripts,
 * bundles or top-level scripts. Type declarations change with most fixes but say nothing a query asks about.
 */
export function isSourceFile(path: string): boolean {
  if (!/\.(js|mjs|cjs|ts|tsx)$/.test(path) || /\.d\.ts$/.test(path) || /\.min\.js$/.test(path)) return false;
  if (/(^|\/)(node_modules|dist|build|test|tests|__tests__|docs?|examples?|types|typings|scripts|tools|benchmarks?)\//.test(path)) return false;
  // At the top level only the entry point: the rest are build and site scripts (Mongoose's website.js).
  return path.includes('/') || /^index\.[cm]?[jt]s$/.test(path);
}

/** Source files of an unpacked tree, sorted by path. */
export function sourceFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir)).sort()) {
    const path = dir ? `${dir}/${name}` : name;
    if (statSync(join(root, path)).isDirectory()) {
      if (name !== 'node_modules') out.push(...sourceFiles(root, path));
    } else if (isSourceFile(path)) out.push(path);
  }
  return out;
}

/**
 * Source files of `before` that `after` changed or removed. Files new in `after` are left out:
 * they are not in the tree searched. The version string is masked first, as Axios writes it into
 * lib/env/data.js on every release.
 */
export function changedFiles(before: string, after: string, versionBefore: string, versionAfter: string): string[] {
  const afterFiles = new Set(sourceFiles(after));
  return sourceFiles(before).filter((path) => {
    if (!afterFiles.has(path)) return true;
    const next = readFileSync(join(after, path), 'utf8').split(versionAfter).join(versionBefore);
    return next !== readFileSync(join(before, path), 'utf8');
  });
}
