/** How a project names and places its tests; `evidence` is how many existing tests follow the rule. */
export interface TestFileLocation {
  readonly path: string;
  /** True when the test file already exists: Generate Tests then adds to it. */
  readonly exists: boolean;
  /** Words for the prompt: "beside the source as foo.test.ts", "mirrors src/ under test/unit/"… */
  readonly convention: string;
  /** An existing test file near the source to imitate (framework, imports, style), if any. */
  readonly examplePath: string | undefined;
  readonly evidence: number;
}

type Family = 'js' | 'python' | 'go' | 'java' | 'rust' | 'ruby' | 'csharp' | 'php' | 'c';

interface NamePattern {
  readonly family: Family;
  /** The test file name for a source stem and extension. */
  make(stem: string, extension: string): string;
  /** The source stem a test file name is for, or undefined if this pattern does not name it. */
  stemOf(name: string): string | undefined;
  readonly label: string;
}

const jsExtensions = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

function suffixPattern(family: Family, infix: string, extensions: readonly string[]): NamePattern {
  return {
    family,
    label: `NAME${infix}EXT`,
    make: (stem, extension) => `${stem}${infix}${extension}`,
    stemOf: (name) => {
      const extension = extensions.find((ext) => name.endsWith(`${infix}${ext}`));
      return extension ? name.slice(0, -(infix.length + extension.length)) : undefined;
    },
  };
}

const patterns: readonly NamePattern[] = [
  suffixPattern('js', '.test', jsExtensions),
  suffixPattern('js', '.spec', jsExtensions),
  { family: 'python', label: 'test_NAME.py', make: (stem) => `test_${stem}.py`, stemOf: (name) => /^test_(.+)\.py$/.exec(name)?.[1] },
  { family: 'python', label: 'NAME_test.py', make: (stem) => `${stem}_test.py`, stemOf: (name) => /^(.+)_test\.py$/.exec(name)?.[1] },
  suffixPattern('go', '_test', ['.go']),
  { family: 'java', label: 'NAMETest.EXT', make: (stem, extension) => `${stem}Test${extension}`, stemOf: (name) => /^(.+)Test\.(?:java|kt)$/.exec(name)?.[1] },
  { family: 'java', label: 'NAMETests.EXT', make: (stem, extension) => `${stem}Tests${extension}`, stemOf: (name) => /^(.+)Tests\.(?:java|kt)$/.exec(name)?.[1] },
  suffixPattern('rust', '_test', ['.rs']),
  suffixPattern('ruby', '_spec', ['.rb']),
  suffixPattern('ruby', '_test', ['.rb']),
  { family: 'csharp', label: 'NAMETests.cs', make: (stem) => `${stem}Tests.cs`, stemOf: (name) => /^(.+)Tests\.cs$/.exec(name)?.[1] },
  { family: 'php', label: 'NAMETest.php', make: (stem) => `${stem}Test.php`, stemOf: (name) => /^(.+)Test\.php$/.exec(name)?.[1] },
  { family: 'c', label: 'test_NAME.EXT', make: (stem, extension) => `test_${stem}${extension}`, stemOf: (name) => /^test_(.+)\.(?:c|cc|cpp|cxx)$/.exec(name)?.[1] },
  { family: 'c', label: 'NAME_test.EXT', make: (stem, extension) => `${stem}_test${extension}`, stemOf: (name) => /^(.+)_test\.(?:c|cc|cpp|cxx)$/.exec(name)?.[1] },
];

function familyOf(path: string): Family | undefined {
  const extension = extensionOf(path);
  if (jsExtensions.includes(extension)) return 'js';
  const byExtension: Readonly<Record<string, Family>> = { '.py': 'python', '.go': 'go', '.java': 'java', '.kt': 'java', '.rs': 'rust', '.rb': 'ruby', '.cs': 'csharp', '.php': 'php', '.c': 'c', '.cc': 'c', '.cpp': 'c', '.cxx': 'c' };
  return byExtension[extension];
}

/** Where a test goes relative to its source: same folder, a `__tests__` folder, or a mirrored tree. */
type DirRule = { readonly kind: 'beside' } | { readonly kind: 'subfolder'; readonly name: string } | { readonly kind: 'mirror'; readonly sourceRoot: string; readonly testRoot: string } | { readonly kind: 'flat'; readonly testDir: string };

interface Vote {
  readonly rule: DirRule;
  readonly pattern: NamePattern;
  readonly example: string;
  /** The source the example tests (the example itself for orphan tests), to weigh votes by nearness. */
  readonly anchor: string;
}

/**
 * Chooses where Generate Tests writes, from the project's own tests: each existing test file
 * whose source can be found votes for a folder rule and a name pattern, and the rule most tests
 * follow (among those that apply to this source) wins. With no evidence, the language's usual place.
 */
export function locateTestFile(sourcePath: string, workspaceFiles: readonly string[]): TestFileLocation {
  const files = new Set(workspaceFiles);
  const family = familyOf(sourcePath);
  const { dir, stem, extension } = parts(sourcePath);
  if (family === undefined) {
    const path = join(dir, `${stem}.test${extension}`);
    return { path, exists: files.has(path), convention: 'no known convention for this language; placed beside the source', examplePath: undefined, evidence: 0 };
  }
  const votes = collectVotes(family, workspaceFiles);
  const applicable = votes.filter((vote) => applies(vote.rule, dir));
  const tally = new Map<string, { votes: Vote[] }>();
  for (const vote of applicable) {
    const key = `${ruleKey(vote.rule)}|${vote.pattern.label}`;
    const entry = tally.get(key) ?? { votes: [] };
    entry.votes.push(vote);
    tally.set(key, entry);
  }
  // Tests of nearby code say more than tests far away (a monorepo's packages differ): each vote
  // weighs 2^(leading folders its source shares with this one).
  const weight = (entry: { votes: Vote[] }) => entry.votes.reduce((sum, vote) => sum + 2 ** sharedPrefix(parts(vote.anchor).dir, dir), 0);
  const ranked = [...tally.values()].sort((a, b) => weight(b) - weight(a) || specificity(b.votes[0]!.rule) - specificity(a.votes[0]!.rule));
  const winner = ranked[0];
  if (winner) {
    const { rule, pattern } = winner.votes[0]!;
    const path = join(testDir(rule, dir), pattern.make(stem, extension));
    const example = nearest(winner.votes.map((vote) => vote.example), path);
    return { path, exists: files.has(path), convention: describeRule(rule, pattern, extension), examplePath: example, evidence: winner.votes.length };
  }
  const fallback = defaultLocation(family, dir, stem, extension);
  // Orphan tests (no matching source) still show the framework and style to imitate.
  const anyTest = workspaceFiles.filter((file) => familyOf(file) === family && patterns.some((pattern) => pattern.family === family && pattern.stemOf(basename(file)) !== undefined));
  return { path: fallback.path, exists: files.has(fallback.path), convention: fallback.convention, examplePath: nearest(anyTest, fallback.path), evidence: 0 };
}

function collectVotes(family: Family, workspaceFiles: readonly string[]): Vote[] {
  const sourcesByStem = new Map<string, string[]>();
  const tests: Array<{ path: string; stem: string; pattern: NamePattern }> = [];
  for (const file of workspaceFiles) {
    if (familyOf(file) !== family) continue;
    const name = basename(file);
    const pattern = patterns.find((candidate) => candidate.family === family && candidate.stemOf(name) !== undefined);
    if (pattern) tests.push({ path: file, stem: pattern.stemOf(name)!, pattern });
    else {
      const { stem } = parts(file);
      sourcesByStem.set(stem, [...(sourcesByStem.get(stem) ?? []), file]);
    }
  }
  const votes: Vote[] = [];
  for (const test of tests) {
    const sources = sourcesByStem.get(test.stem);
    const testDirectory = parts(test.path).dir;
    if (!sources) {
      if (family === 'python' || family === 'rust') votes.push({ rule: { kind: 'flat', testDir: testDirectory }, pattern: test.pattern, example: test.path, anchor: test.path });
      continue;
    }
    // With several same-named sources, the one whose folder best lines up with the test's.
    const source = sources.map((path) => ({ path, shared: sharedSuffix(parts(path).dir, testDirectory) })).sort((a, b) => b.shared - a.shared)[0]!;
    votes.push({ rule: ruleFor(parts(source.path).dir, testDirectory), pattern: test.pattern, example: test.path, anchor: source.path });
  }
  return votes;
}

function ruleFor(sourceDir: string, testDirectory: string): DirRule {
  if (sourceDir === testDirectory) return { kind: 'beside' };
  if (parentOf(testDirectory) === sourceDir) return { kind: 'subfolder', name: basename(testDirectory) };
  const source = segments(sourceDir);
  const test = segments(testDirectory);
  const shared = sharedSuffix(sourceDir, testDirectory);
  return { kind: 'mirror', sourceRoot: source.slice(0, source.length - shared).join('/'), testRoot: test.slice(0, test.length - shared).join('/') };
}

function applies(rule: DirRule, dir: string): boolean {
  if (rule.kind !== 'mirror') return true;
  return rule.sourceRoot === '' || dir === rule.sourceRoot || dir.startsWith(`${rule.sourceRoot}/`);
}

function testDir(rule: DirRule, dir: string): string {
  switch (rule.kind) {
    case 'beside':
      return dir;
    case 'subfolder':
      return join(dir, rule.name);
    case 'flat':
      return rule.testDir;
    case 'mirror':
      return join(rule.testRoot, rule.sourceRoot === '' ? dir : dir.slice(rule.sourceRoot.length).replace(/^\//, ''));
  }
}

function ruleKey(rule: DirRule): string {
  switch (rule.kind) {
    case 'beside':
      return 'beside';
    case 'subfolder':
      return `sub:${rule.name}`;
    case 'flat':
      return `flat:${rule.testDir}`;
    case 'mirror':
      return `mirror:${rule.sourceRoot}>${rule.testRoot}`;
  }
}

/** Among equally popular rules, the one tied to the deeper source root says more about this file. */
function specificity(rule: DirRule): number {
  return rule.kind === 'mirror' ? segments(rule.sourceRoot).length : 0;
}

function describeRule(rule: DirRule, pattern: NamePattern, extension: string): string {
  const name = pattern.label.replace('EXT', extension).replace(/\.\./, '.');
  switch (rule.kind) {
    case 'beside':
      return `tests sit beside their source, named ${name}`;
    case 'subfolder':
      return `tests sit in a ${rule.name}/ folder beside their source, named ${name}`;
    case 'flat':
      return `tests sit in ${rule.testDir}/, named ${name}`;
    case 'mirror':
      return `tests mirror ${rule.sourceRoot || 'the source tree'}/ under ${rule.testRoot}/, named ${name}`;
  }
}

function defaultLocation(family: Family, dir: string, stem: string, extension: string): { path: string; convention: string } {
  switch (family) {
    case 'js':
      return { path: join(dir, `${stem}.test${extension}`), convention: 'no tests yet; placed beside the source as NAME.test' + extension };
    case 'python':
      return { path: join('tests', `test_${stem}.py`), convention: 'no tests yet; pytest style under tests/ as test_NAME.py' };
    case 'go':
      return { path: join(dir, `${stem}_test.go`), convention: 'Go tests sit beside their source as NAME_test.go' };
    case 'java': {
      const main = /^(.*?)src\/main\/(java|kotlin)(\/.*)?$/.exec(dir);
      const testDirectory = main ? `${main[1]}src/test/${main[2]}${main[3] ?? ''}` : dir;
      return { path: join(testDirectory, `${stem}Test${extension}`), convention: 'Maven/Gradle layout: src/test/ mirrors src/main/, named NAMETest' };
    }
    case 'rust':
      return { path: join('tests', `${stem}.rs`), convention: 'Rust integration tests under tests/' };
    case 'ruby':
      return { path: join('spec', dir.replace(/^(?:lib|app)(?:\/|$)/, ''), `${stem}_spec.rb`), convention: 'RSpec layout under spec/, named NAME_spec.rb' };
    case 'csharp':
      return { path: join(dir, `${stem}Tests.cs`), convention: 'no tests yet; placed beside the source as NAMETests.cs' };
    case 'php':
      return { path: join('tests', `${stem}Test.php`), convention: 'PHPUnit layout under tests/, named NAMETest.php' };
    case 'c':
      return { path: join('tests', `test_${stem}${extension}`), convention: 'no tests yet; placed under tests/ as test_NAME' };
  }
}

/** The candidate sharing the most leading folders with `path`. */
function nearest(candidates: readonly string[], path: string): string | undefined {
  const target = segments(path);
  let best: string | undefined;
  let bestScore = -1;
  for (const candidate of candidates) {
    const other = segments(candidate);
    let shared = 0;
    while (shared < target.length && shared < other.length && target[shared] === other[shared]) shared++;
    if (shared > bestScore) {
      best = candidate;
      bestScore = shared;
    }
  }
  return best;
}

function sharedPrefix(a: string, b: string): number {
  const left = segments(a);
  const right = segments(b);
  let shared = 0;
  while (shared < left.length && shared < right.length && left[shared] === right[shared]) shared++;
  return shared;
}

function sharedSuffix(a: string, b: string): number {
  const left = segments(a);
  const right = segments(b);
  let shared = 0;
  while (shared < left.length && shared < right.length && left[left.length - 1 - shared] === right[right.length - 1 - shared]) shared++;
  return shared;
}

function parts(path: string): { dir: string; stem: string; extension: string } {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return { dir: parentOf(path), stem: dot > 0 ? name.slice(0, dot) : name, extension: dot > 0 ? name.slice(dot) : '' };
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

function segments(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function join(...pieces: readonly string[]): string {
  return pieces.filter(Boolean).join('/').replace(/\/{2,}/g, '/');
}

function extensionOf(path: string): string {
  return parts(path).extension;
}
