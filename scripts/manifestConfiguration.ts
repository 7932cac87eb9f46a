import { settingKeys, settingsSchema } from '../src/common/settingsSchema.ts';

/**
 * VS Code drops workspace and folder values of `application` settings, so what the user pays
 * for and which models spend their keys stay theirs. `host` settings keep the default `window`
 * scope: a workspace may name a server, and Groundwork itself asks before it takes effect.
 */
const vscodeScope = { user: 'application', host: 'window' } as const;

/** `capabilities.untrustedWorkspaces.restrictedConfigurations`: in Restricted Mode VS Code ignores their workspace values too. */
export function restrictedConfigurations(): string[] {
  return settingKeys.filter((key) => settingsSchema[key].trust !== undefined).map((key) => `groundwork.${key}`);
}

/** package.json's `contributes.configuration`, derived from the settings schema. */
export function manifestConfiguration(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  settingKeys.forEach((key, order) => {
    const spec = settingsSchema[key];
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

const workspaceColumn = { user: 'ignored', host: 'after you approve its host', any: 'used' } as const;

/** The README's settings table, derived from the same schema. */
export function settingsTable(): string {
  const rows = settingKeys.map((key) => {
    const spec = settingsSchema[key];
    const description = spec.description.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    return `| \`groundwork.${key}\` | \`${JSON.stringify(spec.default)}\` | ${description} | ${workspaceColumn[spec.trust ?? 'any']} |`;
  });
  return ['| setting | default | what it does | a workspace\'s value |', '|---|---|---|---|', ...rows].join('\n');
}

export const settingsTableMarkers = { start: '<!-- settings:start -->', end: '<!-- settings:end -->' } as const;

export function withSettingsTable(readme: string): string {
  const { start, end } = settingsTableMarkers;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  return `${readme.slice(0, from + start.length)}\n${settingsTable()}\n${readme.slice(to)}`;
}
