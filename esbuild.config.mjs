// Builds the bundles into dist/ (or `--outdir DIR`): the extension (Node, CommonJS, `vscode`
// external), its index worker, the chat webview (browser), and the command-line tool.
// `--production` minifies and writes source maps without the bundles pointing at them, since the
// .vsix ships no maps; development builds link them for the debugger.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { buildSummary } from './scripts/buildSummary.ts';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdirFlag = process.argv.indexOf('--outdir');
const outdir = outdirFlag === -1 ? 'dist' : process.argv[outdirFlag + 1];

// The oldest VS Code we accept (engines ^1.100.0) runs extensions on Electron 34's Node 20;
// newer ones run Node 22. Targeting node20 keeps the bundle loadable on both.
const nodeTarget = 'node20';

// Only the shell may import the editor (ARCHITECTURE.md, "The boundary"): the build fails otherwise,
// so the engine stays testable in plain Node.
const shellFiles = /[\\/]src[\\/](extension\.ts|services\.ts|vscode[\\/])/;
const engineBoundary = {
  name: 'engine-boundary',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => {
      if (shellFiles.test(args.importer)) return { path: 'vscode', external: true };
      return { errors: [{ text: `${args.importer} imports 'vscode': only the shell (src/extension.ts, src/services.ts, src/vscode/**) may.` }] };
    });
  },
};

// vectra's entry point re-exports everything it has (its own OpenAI client, web fetchers, a gRPC
// server); the index uses LocalIndex, the protobuf codec and local file storage
// (src/index/vectraParts.ts). Bundle only those, and leave out the English NLP model behind
// vectra's isBm25 option, which the index never sets (keyword search is src/index/keywordIndex.ts).
const vectraLib = 'node_modules/vectra/lib';
const vectraParts = {
  name: 'vectra-parts',
  setup(build) {
    // src/index/vectraParts.ts loads these files by path at run time; the bundle imports them.
    build.onLoad({ filter: /[\\/]src[\\/]index[\\/]vectraParts\.ts$/ }, () => ({
      loader: 'js',
      resolveDir: process.cwd(),
      contents: [
        `export { LocalIndex } from './${vectraLib}/LocalIndex.js';`,
        `export { ProtobufCodec } from './${vectraLib}/codecs/ProtobufCodec.js';`,
        `export { LocalFileStorage } from './${vectraLib}/storage/LocalFileStorage.js';`,
      ].join('\n'),
    }));
    build.onResolve({ filter: /^wink-(bm25-text-search|nlp|eng-lite-web-model)$/ }, (args) => ({ path: args.path, namespace: 'unused-by-groundwork' }));
    build.onLoad({ filter: /.*/, namespace: 'unused-by-groundwork' }, (args) => ({
      contents: `module.exports = function () { throw new Error(${JSON.stringify(`${args.path} is not bundled: Groundwork never uses vectra's BM25.`)}); };`,
    }));
  },
};

const common = {
  plugins: [engineBoundary, vectraParts],
  bundle: true,
  sourcemap: production ? 'external' : 'linked',
  minify: production,
  legalComments: 'linked',
  // esbuild's own listing marks every output over 1 MB with a warning sign; the tokenizer's ranks
  // and the extension are that big on purpose, so the build prints its own summary instead.
  // Watching keeps esbuild's rebuild messages.
  logLevel: watch ? 'info' : 'warning',
  define: { 'process.env.GROUNDWORK_BUILD': JSON.stringify(production ? 'production' : 'development') },
};

// Node bundles are CommonJS; code that locates files beside itself uses import.meta, so give it
// the bundle's own location.
const nodeBundle = {
  platform: 'node',
  format: 'cjs',
  target: nodeTarget,
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { ...common.define, 'import.meta.url': '__importMetaUrl', 'import.meta.dirname': '__dirname' },
  // web-tree-sitter's ESM build cannot run inside a CommonJS bundle; its CJS build can.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' },
};

// Tree-sitter grammars for the languages the chunker follows, read at run time from dist/grammars.
const grammars = ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'c-sharp', 'cpp', 'ruby', 'php', 'bash', 'css'];

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    ...nodeBundle,
    entryPoints: { extension: 'src/extension.ts' },
    outdir,
  },
  {
    // Indexing and search run in a worker thread, off the extension host's event loop.
    ...common,
    ...nodeBundle,
    entryPoints: { indexWorker: 'src/index/worker/indexWorker.ts' },
    outdir,
  },
  {
    ...common,
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir,
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
  },
  {
    ...common,
    ...nodeBundle,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir,
    banner: { js: `#!/usr/bin/env node\n${nodeBundle.banner.js}` },
  },
  {
    // The tokenizer's ranks, loaded on first use by src/llm/tokenizer.ts rather than at activation.
    ...common,
    ...nodeBundle,
    entryPoints: { o200k_base: 'js-tiktoken/ranks/o200k_base' },
    outdir,
    sourcemap: false,
  },
];

mkdirSync(`${outdir}/grammars`, { recursive: true });
for (const name of grammars) {
  copyFileSync(`node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-${name}.wasm`, `${outdir}/grammars/tree-sitter-${name}.wasm`);
}
copyFileSync('node_modules/web-tree-sitter/web-tree-sitter.wasm', `${outdir}/grammars/web-tree-sitter.wasm`);
// vectra's protobuf codec reads its schema from schemas/ beside the code, which is dist/ once bundled.
mkdirSync(`${outdir}/schemas`, { recursive: true });
copyFileSync(`${vectraLib}/codecs/schemas/index.proto`, `${outdir}/schemas/index.proto`);
// The package is "type": "module" for sources and tests; the bundles are CommonJS.
writeFileSync(`${outdir}/package.json`, '{ "type": "commonjs" }\n');

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  const results = await Promise.all(builds.map((options) => esbuild.build({ ...options, metafile: true })));
  console.log(buildSummary(results.map((result) => result.metafile), production));
}
