/**
 * Builds an issue-style retrieval set from public repositories' git history: for a commit that
 * fixes an issue ("Fixes #123", "closes #45", "(#678)"), the query is the issue's text as its
 * author wrote it (or, where that text could not be had, the squash-merged pull request's
 * description in the commit body), the gold files the non-test source files the commit changed,
 * and the root the repository's tree at the commit's parent.
 *
 *   node bench/issueDataset.ts --mirrors DIR --candidates OUT.json
 *       lists the fixing commits of every repository mirror under DIR (owner+name/repo, bare git)
 *   node bench/issueDataset.ts --mirrors DIR [--texts TEXTS.jsonl … [--texts-only]] [--per-repo N] --out DATA_DIR
 *       writes DATA_DIR/issues.jsonl and the base trees under DATA_DIR/trees/
 *
 * Each TEXTS.jsonl row is an issue as its author wrote it, {"repo": "owner/name", "issue": N,
 * "title": …, "text": …} (the description only, without comments); the query is the title and the
 * text. They were collected from a public store of GitHub issue threads, keeping a thread only when
 * its address was exactly github.com/owner/name/issues/N for a candidate's N. Without a text the
 * query is the commit body (for a squash-merged pull request, its description); --texts-only keeps
 * only rows with an issue's text. Third-party trees and texts stay in DATA_DIR, outside the
 * repository. Every third row of each repository is "heldout", to be looked at only after tuning
 * on the "dev" rows.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

export interface FixCommit {
  readonly repo: string;
  readonly issue: number;
  readonly commit: string;
  readonly parent: string;
  readonly subject: string;
  /** The commit body without trailers (the squash-merged PR's description, if any). */
  readonly body: string;
  readonly gold: readonly string[];
}

/** Most gold files: a commit touching more is a sweep, not a bug fix one searches for. */
const maxGold = 4;
/** Most rows per repository by default, so one big history does not outweigh the rest. */
const defaultPerRepo = 24;
/** Shortest query worth asking: a title alone is a different task. */
const minQueryChars = 60;

const codeFile = /\.(m|c)?(j|t)sx?$/;
const testPath = /(^|\/)(tests?|test-[^/]+|__tests__|spec|specs|fixtures?|__fixtures__|__mocks__|benchmarks?|examples?|e2e)\/|(^|\/)test\.[^/]+$|\.(test|spec|test-d)\.[^/]+$/i;

/** The issue a commit message says it fixes, if any. */
export function fixedIssue(message: string): number | undefined {
  const match = /\b(?:fix(?:e[sd])?|close[sd]?|resolve[sd]?)\s*:?\s+(?:https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/issues\/|#)(\d+)/i.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** Files that answer a fix: changed non-test code present before the fix. */
export function goldFiles(changed: readonly string[], existedBefore: (path: string) => boolean): string[] {
  return changed.filter((path) => codeFile.test(path) && !testPath.test(path) && !path.endsWith('.d.ts') && existedBefore(path));
}

/** A commit body without sign-offs, co-authors and bare issue references. */
export function cleanBody(body: string): string {
  return body
    .split('\n')
    .filter((line) => !/^\s*(signed-off-by|co-authored-by|reviewed-by|pr-url|pr-close):/i.test(line))
    .join('\n')
    .trim();
}

function git(mirror: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', mirror, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

export function fixCommits(repo: string, mirror: string): FixCommit[] {
  const log = git(mirror, 'log', '--no-merges', '--format=%x1e%H %P%x1f%s%x1f%b', 'HEAD');
  const out: FixCommit[] = [];
  const seen = new Set<number>();
  for (const record of log.split('\x1e')) {
    const [hashes, subject = '', body = ''] = record.split('\x1f');
    const [commit, parent, ...more] = (hashes ?? '').trim().split(' ');
    if (!commit || !parent || more.length > 0) continue;
    const issue = fixedIssue(`${subject}\n${body}`);
    if (issue === undefined || seen.has(issue)) continue;
    const changed = git(mirror, 'diff', '--name-only', '--no-renames', '--diff-filter=M', parent, commit).split('\n').filter(Boolean);
    const gold = goldFiles(changed, () => true);
    if (gold.length === 0 || gold.length > maxGold) continue;
    seen.add(issue);
    out.push({ repo, issue, commit, parent, subject, body: cleanBody(body), gold });
  }
  return out;
}

/**
 * Writes the tree at `commit` into `dir` and returns how many files were left out. A fetched
 * snapshot may list its largest files without holding them (`git archive` then fails), so the
 * blobs are read one by one and an absent one is skipped; symbolic links and submodules too.
 */
export function extractTree(mirror: string, commit: string, dir: string): number {
  const entries = git(mirror, 'ls-tree', '-r', '-z', commit)
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta = '', path = ''] = line.split('\t');
      const [mode, type, oid] = meta.split(' ');
      return { mode, type, oid: oid ?? '', path };
    })
    .filter((entry) => entry.type === 'blob' && entry.mode !== '120000');
  const batch = execFileSync('git', ['--git-dir', mirror, 'cat-file', '--batch'], {
    input: entries.map((entry) => entry.oid).join('\n') + '\n',
    maxBuffer: 1024 * 1024 * 1024,
  });
  let offset = 0;
  let skipped = 0;
  for (const entry of entries) {
    const headerEnd = batch.indexOf(10, offset);
    const header = batch.subarray(offset, headerEnd).toString('utf8');
    offset = headerEnd + 1;
    if (header.endsWith(' missing')) {
      skipped++;
      continue;
    }
    const size = Number(header.split(' ')[2]);
    const target = join(dir, entry.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, batch.subarray(offset, offset + size));
    offset += size + 1;
  }
  return skipped;
}

function mirrors(dir: string): { repo: string; mirror: string }[] {
  return readdirSync(dir)
    .filter((name) => name.includes('+') && existsSync(join(dir, name, 'repo')))
    .sort()
    .map((name) => ({ repo: name.replace('+', '/'), mirror: join(dir, name, 'repo') }));
}

/** Issue texts by "owner/name#N": the title, a blank line, the description. */
export function readIssueTexts(paths: readonly string[]): Map<string, string> {
  const texts = new Map<string, string>();
  for (const path of paths) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { repo: string; issue: number; title?: string; text: string };
      texts.set(`${row.repo}#${row.issue}`, row.title ? `${row.title}\n\n${row.text}` : row.text);
    }
  }
  return texts;
}

function build(mirrorDir: string, textPaths: readonly string[], outDir: string, textsOnly: boolean, perRepo: number): void {
  const texts = readIssueTexts(textPaths);
  const rows: string[] = [];
  const counts = { issue: 0, body: 0 };
  for (const { repo, mirror } of mirrors(mirrorDir)) {
    let kept = 0;
    for (const fix of fixCommits(repo, mirror)) {
      if (kept >= perRepo) break;
      const issueText = texts.get(`${repo}#${fix.issue}`);
      if (textsOnly && issueText === undefined) continue;
      const query = issueText ?? (fix.body.length >= minQueryChars ? `${fix.subject}\n\n${fix.body}` : undefined);
      if (!query || query.length < minQueryChars) continue;
      const tree = join(outDir, 'trees', `${repo.replace('/', '+')}@${fix.parent.slice(0, 12)}`);
      if (!existsSync(tree)) {
        const skipped = extractTree(mirror, fix.parent, tree);
        if (skipped > 0) console.log(`${repo}@${fix.parent.slice(0, 12)}: ${skipped} files absent from the snapshot, left out`);
      }
      const split = kept % 3 === 2 ? 'heldout' : 'dev';
      rows.push(JSON.stringify({ root: tree, query, gold_files: fix.gold, split, repo, issue: fix.issue, commit: fix.commit, source: issueText ? 'issue' : 'commit' }));
      counts[issueText ? 'issue' : 'body']++;
      kept++;
    }
    console.log(`${repo}: ${kept} rows`);
  }
  writeFileSync(join(outDir, 'issues.jsonl'), rows.join('\n') + '\n');
  console.log(`wrote ${rows.length} rows (${counts.issue} issue texts, ${counts.body} commit bodies) to ${join(outDir, 'issues.jsonl')}`);
}

const isMain = process.argv[1]?.endsWith('issueDataset.ts');
if (isMain) {
  const { values } = parseArgs({
    options: {
      mirrors: { type: 'string' },
      candidates: { type: 'string' },
      texts: { type: 'string', multiple: true },
      'texts-only': { type: 'boolean', default: false },
      'per-repo': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.mirrors && values.candidates) {
    const all = mirrors(values.mirrors).flatMap(({ repo, mirror }) => fixCommits(repo, mirror));
    writeFileSync(values.candidates, JSON.stringify(all, null, 1));
    console.log(`${all.length} fixing commits`);
  } else if (values.mirrors && values.out) build(values.mirrors, values.texts ?? [], values.out, values['texts-only'], Number(values['per-repo'] ?? defaultPerRepo));
  else console.error('Usage: node bench/issueDataset.ts --mirrors DIR (--candidates OUT.json | [--texts TEXTS.jsonl … [--texts-only]] [--per-repo N] --out DATA_DIR)');
}
