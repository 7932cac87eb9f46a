/**
 * Builds a commit-like retrieval set from npm release history, as git history is out of reach:
 * for a release N whose changelog entry is one to three code lines, the query is those lines
 * (cleaned), the gold files the source files that changed between N-1 and N, and the root the
 * published tree of N-1. Deterministic: the changelogs and version ranges are pinned below.
 *
 *   node bench/releaseDataset.ts --out test/fixtures/index/retrieval/npmReleases.jsonl
 *
 * Rows carry `package` ("mongoose@5.13.1", the tree of N-1), which bench/retrieval.ts fetches
 * into the cache with `npm pack` when it is missing, and `split`: every third row of each
 * package is "heldout", to be looked at only after tuning on the "dev" rows.
 */
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { parseChangelog } from './changelog.ts';
import { fetchTarballFile, releaseRoot } from './npmRelease.ts';
import { releaseLine, releaseQuery, type ReleaseLine } from './releaseQuery.ts';
import { changedFiles } from './releaseSource.ts';

interface PackagePlan {
  readonly name: string;
  /** The published version whose changelog is read, and the newest release used. */
  readonly changelogFrom: string;
  readonly changelogFile: string;
  /** Releases N taken from this range (N-1 may be the last of the range below). */
  readonly from: string;
}

// Packages that publish their source unbundled and a changelog with one line per change.
const plans: readonly PackagePlan[] = [
  { name: 'mongoose', changelogFrom: '5.13.20', changelogFile: 'History.md', from: '5.0.1' },
  { name: 'knex', changelogFrom: '3.3.0', changelogFile: 'CHANGELOG.md', from: '0.95.1' },
  { name: 'axios', changelogFrom: '1.13.2', changelogFile: 'CHANGELOG.md', from: '1.0.1' },
  { name: 'nodemailer', changelogFrom: '7.0.10', changelogFile: 'CHANGELOG.md', from: '6.0.1' },
];

/** Most changelog lines a release may have: beyond that the query is a release note, not a commit. */
const maxLines = 3;
/** Most gold files: a change touching more is a sweep, not something one searches for. */
const maxGoldFiles = 5;

interface ReleaseRow {
  readonly root: string;
  readonly package: string;
  readonly release: string;
  readonly split: 'dev' | 'heldout';
  readonly lines: number;
  readonly query: string;
  readonly gold_files: readonly string[];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

function rowsOf(plan: PackagePlan): ReleaseRow[] {
  const changelog = parseChangelog(fetchTarballFile(`${plan.name}@${plan.changelogFrom}`, plan.changelogFile));
  const published = (JSON.parse(execFileSync('npm', ['view', plan.name, 'versions', '--json'], { encoding: 'utf8' })) as string[])
    .filter((version) => /^\d+\.\d+\.\d+$/.test(version) && compareVersions(version, plan.changelogFrom) <= 0)
    .sort(compareVersions);
  const rows: Omit<ReleaseRow, 'split'>[] = [];
  for (let i = 1; i < published.length; i++) {
    const [previous, version] = [published[i - 1], published[i]];
    if (compareVersions(version, plan.from) < 0) continue;
    const lines = (changelog.get(version) ?? []).map((item) => releaseLine(item.text, item.section)).filter((line): line is ReleaseLine => line !== undefined)
      .filter((line, i, all) => all.findIndex((other) => other.text === line.text) === i);
    if (lines.length === 0 || lines.length > maxLines) continue;
    const before = releaseRoot(`${plan.name}@${previous}`);
    const after = releaseRoot(`${plan.name}@${version}`);
    const gold = changedFiles(before, after, previous, version);
    if (gold.length === 0 || gold.length > maxGoldFiles) continue;
    rows.push({ root: `${plan.name}@${previous}`, package: `${plan.name}@${previous}`, release: version, lines: lines.length, query: releaseQuery(lines, gold), gold_files: gold });
  }
  return rows.map((row, i) => ({ ...row, split: i % 3 === 2 ? 'heldout' : 'dev' }));
}

const { values } = parseArgs({ options: { out: { type: 'string' }, only: { type: 'string' } } });
if (!values.out) {
  console.error('Usage: node bench/releaseDataset.ts --out F.jsonl [--only PACKAGE]');
  process.exit(1);
}
const rows: ReleaseRow[] = [];
for (const plan of plans) {
  if (values.only && values.only !== plan.name) continue;
  const planRows = rowsOf(plan);
  console.log(`${plan.name}: ${planRows.length} rows`);
  rows.push(...planRows);
}
writeFileSync(values.out, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
console.log(`wrote ${rows.length} rows to ${values.out}`);
