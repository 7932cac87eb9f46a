import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileKind } from '../../../src/index/fileKinds.ts';
import { namedBy } from '../../../src/index/fileRanking.ts';
import { analyzeQuery, questionText } from '../../../src/index/queryAnalysis.ts';
import { LocalEmbedder } from '../../../src/index/localEmbedder.ts';
import { WorkspaceIndex } from '../../../src/index/workspaceIndex.ts';

/** A small project whose changelog, blog post and issue template mention everything its code does. */
const project: Record<string, string> = {
  'lib/adapters/http.js': `function dispatchHttpRequest(config) {\n  const timeout = parseTimeout(config.timeout);\n  if (config.timeoutErrorMessage) {\n    return rejectWithTimeout(config.timeoutErrorMessage);\n  }\n  return sendRequest(config, timeout);\n}\n\nfunction parseTimeout(value) {\n  return Number(value) || 0;\n}\nmodule.exports = dispatchHttpRequest;\n`,
  'lib/core/mergeConfig.js': `function mergeConfig(defaults, config) {\n  const merged = Object.assign({}, defaults);\n  for (const key of Object.keys(config)) merged[key] = config[key];\n  return merged;\n}\nmodule.exports = mergeConfig;\n`,
  'lib/helpers/buildURL.js': `function buildURL(url, params) {\n  const query = new URLSearchParams(params).toString();\n  return query ? url + '?' + query : url;\n}\nmodule.exports = buildURL;\n`,
  'CHANGELOG.md': Array.from({ length: 60 }, (_, i) => `## 0.${i}.0\n- Fixed: the error "timeout of ${i}ms exceeded" ignored timeoutErrorMessage in dispatchHttpRequest (lib/adapters/http.js); the default error message is used instead.\n- mergeConfig, buildURL params and request config fixes.\n`).join(''),
  'website/blog/2020-timeouts.md': Array.from({ length: 20 }, () => 'Timeouts in the http adapter: when a request times out the timeoutErrorMessage of the config becomes the error message. Configure timeout and timeoutErrorMessage per request.\n').join(''),
  '.github/ISSUE_TEMPLATE/bug_report.md': 'Describe the bug. The request fails with an error message. Expected behaviour: the timeout works. Stack trace, config, adapter, http.\n',
  'docs/timeouts.md': '# Configuring timeouts\n\nSet `timeout` in milliseconds on the request config, and `timeoutErrorMessage` to choose the error message a timed out request rejects with. Configure defaults once with `axios.create({ timeout })`.\n',
  'test/fixtures/timeout-expected.json': JSON.stringify({ timeout: 1000, timeoutErrorMessage: 'timeout of 1000ms exceeded', error: 'message', request: 'http' }),
};

async function indexOf(t: TestContext, files: Record<string, string> = project): Promise<WorkspaceIndex> {
  const base = mkdtempSync(join(tmpdir(), 'gw-rank-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(base, 'ws', path)), { recursive: true });
    writeFileSync(join(base, 'ws', path), content);
  }
  const index = await WorkspaceIndex.open({ storeDirectory: join(base, 'store'), roots: [{ id: 'ws', path: join(base, 'ws') }], embedder: new LocalEmbedder(64), shardCount: 4 });
  t.after(() => index.dispose());
  await index.refresh();
  return index;
}

test('a changelog that mentions everything does not outrank the source file a stack trace names', async (t) => {
  const index = await indexOf(t);
  const report = [
    'timeoutErrorMessage is ignored: the request times out with the default error message instead.',
    '```',
    'Error: timeout of 1000ms exceeded',
    '    at dispatchHttpRequest (node_modules/axios/lib/adapters/http.js:4:12)',
    '```',
  ].join('\n');
  const files = await index.searchFiles(report, { top: 5 });
  assert.equal(files[0].path, 'lib/adapters/http.js');
  assert.ok(files[0].signals.includes('named'), 'the results say the query names the file');
  const rank = (path: string) => files.findIndex((hit) => hit.path === path);
  for (const prose of ['CHANGELOG.md', 'website/blog/2020-timeouts.md', '.github/ISSUE_TEMPLATE/bug_report.md']) {
    assert.ok(rank(prose) === -1 || rank(prose) > 0, `${prose} ranks below the source`);
    if (rank(prose) >= 0) assert.ok(files[rank(prose)].signals.includes('ranked-down'));
  }
});

test('a bug report in prose alone still ranks the source above the long changelog', async (t) => {
  const index = await indexOf(t);
  const files = await index.searchFiles('Bug: the timeoutErrorMessage from the request config is not used when a request times out in the http adapter, the error message is wrong', { top: 8 });
  const rank = (path: string) => files.findIndex((hit) => hit.path === path);
  assert.ok(rank('lib/adapters/http.js') >= 0);
  assert.ok(rank('CHANGELOG.md') === -1 || rank('lib/adapters/http.js') < rank('CHANGELOG.md'));
  assert.ok(rank('website/blog/2020-timeouts.md') === -1 || rank('lib/adapters/http.js') < rank('website/blog/2020-timeouts.md'));
});

test('a question about configuration still finds the docs page', async (t) => {
  const index = await indexOf(t);
  const files = await index.searchFiles('How do I configure the timeout and timeoutErrorMessage for every request?', { top: 3 });
  assert.ok(files.some((hit) => hit.path === 'docs/timeouts.md'), files.map((hit) => hit.path).join(', '));
  assert.ok(!files.find((hit) => hit.path === 'docs/timeouts.md')!.signals.includes('ranked-down'));
});

test('file kinds come from the path', () => {
  assert.equal(fileKind('CHANGELOG.md'), 'changelog');
  assert.equal(fileKind('History.md'), 'changelog');
  assert.equal(fileKind('.github/ISSUE_TEMPLATE/bug.yml'), 'template');
  assert.equal(fileKind('site/content/blog/post.md'), 'docs');
  assert.equal(fileKind('packages/x/src/__snapshots__/a.test.ts.snap'), 'fixture');
  assert.equal(fileKind('tests/format/js/jsfmt.spec.js'), 'test');
  assert.equal(fileKind('src/compiler/parse.ts'), 'source');
  assert.equal(fileKind('website/src/components/Demo.js'), 'example');
  assert.equal(fileKind('scripts/verifyCommit.js'), 'tooling');
  assert.equal(fileKind('flow-typed/npm/jest_v23.x.x.js'), 'generated', 'vendored type stubs are not the code');
  assert.equal(fileKind('.changeset/quiet-dogs-run.md'), 'changelog');
  assert.equal(fileKind('changelog_unreleased/javascript/17042.md'), 'changelog');
  assert.equal(fileKind('sites/svelte.dev/src/routes/+page.svelte'), 'example');
  assert.equal(fileKind('playgrounds/vite/src/main.ts'), 'example');
  assert.equal(fileKind('ci/dev/test-unit.sh'), 'tooling');
  assert.equal(fileKind('gulpfile.babel.js'), 'tooling');
  assert.equal(fileKind('packages/vite/scripts/util.ts'), 'source', 'only the repository root holds its tooling');
});

test('a query is read for the files it names, its code and its intent', () => {
  const trace = analyzeQuery('TypeError: Cannot read properties of undefined\n    at compile (/app/node_modules/pkg/src/compiler/index.js:10:3)\nwhen `parseOptions` gets null');
  assert.ok(!trace.wantsDocs);
  assert.ok(!analyzeQuery('How do I configure the proxy? It throws TypeError: x is undefined').wantsDocs, 'a failure report is about the code');
  assert.ok(trace.mentionedFiles.includes('app/node_modules/pkg/src/compiler/index.js'));
  assert.ok((trace.weights.get('parseoptions') ?? 0) > (trace.weights.get('undefined') ?? 0));
  assert.ok(analyzeQuery('How do I configure the proxy?').wantsDocs);
  assert.ok(analyzeQuery('the test in test/api.spec.js is flaky').wantsTests);
  assert.ok(analyzeQuery('Where are the tests for the tokenizer?').wantsTests);
  assert.ok(analyzeQuery("the test 'parses ISO weeks' fails on CI").wantsTests);
  // A report about one's own tests is about the library: in a test runner's repository, every report is.
  assert.ok(!analyzeQuery('The test code below stopped working after upgrading: my test fails with TypeError').wantsTests);
  assert.ok(!analyzeQuery('toStrictEqual passes this test although the arrays differ').wantsTests);
});

test("an issue template's own text is taken out of the query: comments, checklists, headings, images and a URL's host", () => {
  const report = [
    'reply.send(stream) swallows the error',
    '',
    '<!-- Before you submit an issue we recommend you visit the documentation and search existing issues -->',
    '### Prerequisites',
    '- [X] I have written a descriptive issue title',
    '- [x] I have searched existing issues to ensure the regression has not already been reported',
    '',
    '### Steps to Reproduce',
    'Send a stream that errors; see https://github.com/org/repo/blob/main/lib/reply.js#L44 and ![screenshot](https://example.com/a.png)',
    '---',
  ].join('\n');
  const text = questionText(report);
  for (const gone of ['recommend', 'Prerequisites', 'descriptive', 'searched', 'Steps to Reproduce', 'screenshot', 'github.com', 'example.com', '---']) {
    assert.ok(!text.includes(gone), `${gone} is gone`);
  }
  assert.match(text, /^reply\.send\(stream\) swallows the error/);
  assert.match(text, /Send a stream that errors/);
  assert.ok(analyzeQuery(report).mentionedFiles.some((path) => path.endsWith('lib/reply.js')), "a URL's path still names the file");
  assert.ok(!analyzeQuery(report).terms.includes('prerequisites'));
});

test("a stack frame in an installed package names the repository's source of that file", () => {
  const named = (path: string, query: string) => namedBy(path, analyzeQuery(query));
  assert.ok(named('packages/svelte/src/compiler/phases/parse.js', 'at parse (/app/node_modules/svelte/src/compiler/phases/parse.js:10:3)'));
  assert.ok(named('packages/jest-jasmine2/src/queue_runner.ts', 'at resolve (node_modules/jest-jasmine2/build/queue_runner.js:56:12)'), 'a build frame names its source');
  assert.ok(named('packages/jest-jasmine2/src/index.ts', 'at Object.<anonymous> (node_modules/jest-jasmine2/build/index.js:1:1)'));
  assert.ok(!named('packages/jest-circus/src/index.ts', 'at Object.<anonymous> (node_modules/jest-jasmine2/build/index.js:1:1)'), "another package's index is not named");
  assert.ok(!named('src/reply.js', 'see lib/reply.js'), 'a root lib/ is source, not a build');
  assert.ok(named('lib/reply.js', 'reply.js swallows the error'));
});

test("the reporter's environment (envinfo) is taken out of the query, and code that looks like it stays", () => {
  const report = [
    'toMatchObject throws RangeError on circular objects',
    '## Run `npx envinfo --preset jest`',
    'Paste the results here:',
    '```bash',
    '  System:',
    '    OS: macOS 10.14.5',
    '    CPU: (8) x64 Intel(R) Core(TM) i7-6700HQ CPU @ 2.60GHz',
    '  Binaries:',
    '    Node: 8.11.1 - ~/.nvm/versions/node/v8.11.1/bin/node',
    '    Yarn: 1.16.0 - /usr/local/bin/yarn',
    '  npmPackages:',
    '    jest: ^24.8.0 => 24.8.0',
    '```',
    '```js',
    'const options = { node: true, map: (x) => x + 1 };',
    'const Node: NodeType = parse(source);',
    '```',
  ].join('\n');
  const text = questionText(report);
  for (const gone of ['macOS', 'Intel', '.nvm', 'yarn', '24.8.0', 'envinfo', 'Paste the results']) assert.ok(!text.includes(gone), `${gone} is gone`);
  for (const kept of ['circular objects', 'map: (x) => x + 1', 'const Node: NodeType']) assert.ok(text.includes(kept), `${kept} stays`);
});

test("a report written in its template's words does not rank the template above the code", async (t) => {
  const files = {
    ...project,
    '.github/ISSUE_TEMPLATE/bug_report.md': [
      '<!-- Before you submit an issue we recommend you visit the documentation and search existing issues -->',
      '### Prerequisites',
      '- [ ] I have written a descriptive issue title',
      '- [ ] I have searched existing issues to ensure the regression has not already been reported',
      '### Steps to Reproduce',
      '### Expected Behavior',
    ].join('\n'),
  };
  const index = await indexOf(t, files);
  const report = [
    '<!-- Before you submit an issue we recommend you visit the documentation and search existing issues -->',
    '### Prerequisites',
    '- [X] I have written a descriptive issue title',
    '- [X] I have searched existing issues to ensure the regression has not already been reported',
    '### Steps to Reproduce',
    'A request with parseTimeout and a timeoutErrorMessage rejects with the default message.',
    '### Expected Behavior',
    'The timeoutErrorMessage is used.',
  ].join('\n');
  const hits = await index.searchFiles(report, { top: 3 });
  assert.equal(hits[0]?.path, 'lib/adapters/http.js');
  assert.ok(!hits.some((hit) => hit.path === '.github/ISSUE_TEMPLATE/bug_report.md'), 'the template matches nothing the question says');
});
