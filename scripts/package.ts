// `npm run package`: a production build, then groundwork-<version>.vsix with vsce. Dependencies are
// bundled, so vsce is told not to collect node_modules. The .vsix carries the user's README
// (scripts/userReadme.ts), written to dist/ for vsce. Prints the .vsix path and size.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { kib } from './buildSummary.ts';
import { userReadme } from './userReadme.ts';

const root = new URL('..', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
const vsix = `groundwork-${manifest.version}.vsix`;
const bin = (name: string) => new URL(`node_modules/.bin/${name}`, root).pathname;
const shippedReadme = 'dist/README.md';

execFileSync(process.execPath, ['esbuild.config.mjs', '--production'], { stdio: 'inherit' });
writeFileSync(new URL(shippedReadme, root), userReadme(readFileSync(new URL('README.md', root), 'utf8')));
execFileSync(bin('vsce'), ['package', '--no-dependencies', '--readme-path', shippedReadme, '--out', vsix], { stdio: 'inherit' });
console.log(`package: ${vsix} ${kib(statSync(vsix).size)}`);
