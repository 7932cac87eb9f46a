import { type SettingSpec, settingKeys, settingsSchema } from '../src/common/settingsSchema.ts';
import { tableCell, withGeneratedBlock } from './readmeBlocks.ts';

/** The settings to declare, by key without the `groundwork.` prefix, in declaration order. */
type Schema = Readonly<Record<string, SettingSpec<unknown>>>;

/**
 * VS Code drops workspace and folder values of `application` settings, so what the user pays
 * for and which models spend their keys stay theirs. `host` settings keep the default `window`
 * scope: a workspace may name a server, and Groundwork itself asks before it takes effect.
 */
const vscodeScope = { user: 'application', host: 'window' } as const;

/** package.json's `contributes.configuration`, derived from the settings schema. */
export function manifestConfiguration(schema: Schema = settingsSchema): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  Object.entries(schema).forEach(([key, spec], order) => {
    properties[`groundwork.${key}`] = {
      type: spec.type,
      default: spec.default,
      markdownDescription: spec.description,
      ...(spec.enum ? { enum: spec.enum } : {}),
      ...(spec.minimum !== undefined ? { minimum: spec.minimum } : {}),
      ...(spec.maximum !== undefined ? { maximum: spec.maximum } : {}),
      ...(spec.trust ? { scope: vscodeScope[spec.trust] } : {}),
      ...spec.schema,
      order,
    };
  });
  return { title: 'Groundwork', properties };
}

/**
 * package.json's `capabilities.untrustedWorkspaces.restrictedConfigurations`: every setting a
 * workspace may not simply set (any trust level), whose workspace values VS Code itself ignores
 * in Restricted Mode. Undefined when there are none.
 */
export function restrictedConfigurations(schema: Schema = settingsSchema): string[] | undefined {
  const restricted = Object.entries(schema)
    .filter(([, spec]) => spec.trust !== undefined)
    .map(([key]) => `groundwork.${key}`);
  return restricted.length > 0 ? restricted : undefined;
}

const workspaceColumn = { user: 'ignored', host: 'after you approve its host', any: 'used' } as const;

/** The README's settings table, derived from the same schema. */
export function settingsTable(): string {
  const rows = settingKeys.map((key) => {
    const spec = settingsSchema[key];
    return `| \`groundwork.${key}\` | \`${JSON.stringify(spec.default)}\` | ${tableCell(spec.description)} | ${workspaceColumn[spec.trust ?? 'any']} |`;
  });
  return ['| setting | default | what it does | a workspace\'s value |', '|---|---|---|---|', ...rows].join('\n');
}

export function withSettingsTable(readme: string): string {
  return withGeneratedBlock(readme, 'settings', settingsTable());
}
