// Writes package.json's contributes.configuration and README.md's settings table from
// src/common/settingsSchema.ts, the one place settings are declared.
import { readFileSync, writeFileSync } from 'node:fs';
import { manifestConfiguration, restrictedConfigurations, withSettingsTable } from './manifestConfiguration.ts';

const manifestPath = new URL('../package.json', import.meta.url);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
manifest.contributes.configuration = manifestConfiguration();
manifest.capabilities.untrustedWorkspaces.restrictedConfigurations = restrictedConfigurations();
writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

const readmePath = new URL('../README.md', import.meta.url);
writeFileSync(readmePath, withSettingsTable(readFileSync(readmePath, 'utf8')));
console.log('package.json and README.md: settings updated');
