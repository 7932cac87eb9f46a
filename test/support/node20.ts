import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../..');

/**
 * The Node 20 of the oldest VS Code Groundwork accepts (1.100), which `npm ci` installs through
 * test/compat/node20: the compatibility checks run on it whatever Node the machine has.
 */
export const node20 = join(repoRoot, 'node_modules/groundwork-node20/node_modules/node/bin/node');
