// `npm run package`: a production build, then groundwork-<version>.vsix with vsce. Dependencies are
// bundled, so vsce is told not to collect node_modules. Prints the .vsix path and size.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const vsix = `groundwork-${manifest.version}.vsix`;
const bin = (name: string) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;

execFileSync(process.execPath, ['esbuild.config.mjs', '--production'], { stdio: 'inherit' });
execFileSync(bin('vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--out', vsix], { stdio: 'inherit' });
const kib = statSync(vsix).size / 1024;
console.log(`package: ${vsix} ${kib.toFixed(0)} KiB`);
