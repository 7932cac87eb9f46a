// Writes package.json's contributes.configuration from src/common/settingsSchema.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { manifestConfiguration } from './manifestConfiguration.ts';

const path = new URL('../package.json', import.meta.url);
const manifest = JSON.parse(readFileSync(path, 'utf8'));
manifest.contributes.configuration = manifestConfiguration();
writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
console.log('package.json: contributes.configuration updated');
