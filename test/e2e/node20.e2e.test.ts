import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { repoRoot } from './harness.ts';
import { type ModelServer, startModelServer } from '../support/modelServer/modelServer.ts';
import { node20 } from '../support/node20.ts';

// VS Code 1.100, the oldest Groundwork accepts, runs extensions on Electron 34's Node 20, while
// the SDKs' own packages ask for Node 22. This runs the built bundles on the project's own Node 20.
let server: ModelServer;
let outDir: string;

before(async () => {
  server = await startModelServer({ defaultReply: { kind: 'text', text: 'hi there' } });
  outDir = mkdtempSync(join(tmpdir(), 'groundwork-node20-bundle-'));
  // The same settings as the extension bundle in esbuild.config.mjs.
  await build({
    entryPoints: [join(repoRoot, 'test/compat/node20Smoke.ts')],
    outfile: join(outDir, 'smoke.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
    define: { 'process.env.GROUNDWORK_BUILD': '"production"', 'import.meta.url': '__importMetaUrl', 'import.meta.dirname': '__dirname' },
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    alias: { 'web-tree-sitter': join(repoRoot, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
  });
});

after(async () => {
  await server?.close();
});

test('npm ci brought the Node 20 that VS Code 1.100 runs', () => {
  assert.ok(existsSync(node20), `${node20} is missing: run npm ci`);
  assert.match(execFileSync(node20, ['--version'], { encoding: 'utf8' }), /^v20\./);
});

test('the SDKs, the gateway, the tokenizer and the index worker run on Node 20', async () => {
  // The bundle sits outside dist/, so the tokenizer's ranks come from a copy beside it.
  execFileSync('cp', [join(repoRoot, 'dist/o200k_base.js'), join(outDir, 'o200k_base.js')]);
  execFileSync('cp', [join(repoRoot, 'dist/package.json'), join(outDir, 'package.json')]);
  // Asynchronously: the fake server in this process must keep answering while it runs.
  const { stdout: output } = await promisify(execFile)(
    node20,
    [join(outDir, 'smoke.js'), server.url, join(repoRoot, 'dist'), join(repoRoot, 'test/fixtures/sample-workspace')],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const seen = JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, unknown>;
  assert.match(String(seen.node), /^v20\./);
  assert.equal(seen.openai, 'hi there');
  assert.equal(seen.anthropic, 'hi there');
  assert.equal(seen.fim, 'hi there');
  assert.deepEqual(seen.embedding, [8, 8]);
  assert.equal(seen.tokens, 2);
  assert.equal(seen.topHit, 'src/shipping.ts:shippingCost');
  const reloaded = seen.reloaded as { store: string; files: number; topHit: string | null };
  assert.equal(reloaded.store, 'vectra');
  assert.ok(reloaded.files > 0, 'the reopened index has its files');
  assert.equal(reloaded.topHit, 'src/shipping.ts');
});

test('the command line indexes and searches on Node 20', async () => {
  // A copy: the command line keeps its index in the folder it indexes.
  const workspace = join(outDir, 'workspace');
  cpSync(join(repoRoot, 'test/fixtures/sample-workspace'), workspace, { recursive: true });
  const run = (args: readonly string[]) =>
    promisify(execFile)(node20, [join(repoRoot, 'dist/cli.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  await run(['index', '--root', workspace]);
  const { stdout } = await run(['search', '--root', workspace, '--files', '--json', '--top', '1', 'shipping cost for domestic orders']);
  const hits = JSON.parse(stdout) as { path: string }[];
  assert.equal(hits[0]?.path, 'src/shipping.ts');
});
