// Writes what package.json and README.md say about settings and commands from the one place each
// is declared: contributes.configuration, the restricted settings and the settings table from
// src/common/settingsSchema.ts, and the commands table from contributes.commands.
import { readFileSync, writeFileSync } from 'node:fs';
import { withCommandsTable } from './commandsTable.ts';
import { manifestConfiguration, restrictedConfigurations, withSettingsTable } from './manifestConfiguration.ts';

const manifestPath = new URL('../package.json', import.meta.url);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
manifest.contributes.configuration = manifestConfiguration();
const untrusted = manifest.capabilities.untrustedWorkspaces;
const restricted = restrictedConfigurations();
if (restricted) untrusted.restrictedConfigurations = restricted;
else delete untrusted.restrictedConfigurations;
writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

const readmePath = new URL('../README.md', import.meta.url);
writeFileSync(readmePath, withCommandsTable(withSettingsTable(readFileSync(readmePath, 'utf8')), manifest));
console.log('package.json and README.md: settings and commands updated');
