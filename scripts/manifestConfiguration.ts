import { type SettingSpec, settingKeys, settingsSchema } from '../src/common/settingsSchema.ts';
import { tableCell, withGeneratedBlock } from './readmeBlocks.ts';

/** The settings to declare, by key without the `groundwork.` prefix, in declaration order. */
type Schema = Readonly<Record<string, SettingSpec<unknown>>>;

/** package.json's `contributes.configuration`, derived from the settings schema. */
export function manifestConfiguration(schema: Schema = settingsSchema): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  Object.entries(schema).forEach(([key, spec], order) => {
    properties[`groundwork.${key}`] = {
      type: spec.type,
      default: spec.default,
      markdownDescription: spec.description,
      ...(spec.scope ? { scope: spec.scope } : {}),
      ...(spec.enum ? { enum: spec.enum } : {}),
      ...(spec.minimum !== undefined ? { minimum: spec.minimum } : {}),
      ...(spec.maximum !== undefined ? { maximum: spec.maximum } : {}),
      ...spec.schema,
      order,
    };
  });
  return { title: 'Groundwork', properties };
}

/**
 * package.json's `capabilities.untrustedWorkspaces.restrictedConfigurations`: the settings whose
 * workspace values VS Code ignores in Restricted Mode. Undefined when there are none.
 */
export function restrictedConfigurations(schema: Schema = settingsSchema): string[] | undefined {
  const restricted = Object.entries(schema)
    .filter(([, spec]) => spec.restricted)
    .map(([key]) => `groundwork.${key}`);
  return restricted.length > 0 ? restricted : undefined;
}

/** The README's settings table, derived from the same schema. */
export function settingsTable(): string {
  const rows = settingKeys.map((key) => {
    const spec = settingsSchema[key];
    return `| \`groundwork.${key}\` | \`${JSON.stringify(spec.default)}\` | ${tableCell(spec.description)} |`;
  });
  return ['| setting | default | what it does |', '|---|---|---|', ...rows].join('\n');
}

export function withSettingsTable(readme: string): string {
  return withGeneratedBlock(readme, 'settings', settingsTable());
}
