import { settingKeys, settingsSchema } from '../src/common/settingsSchema.ts';

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
      ...spec.schema,
      order,
    };
  });
  return { title: 'Groundwork', properties };
}

/** The README's settings table, derived from the same schema. */
export function settingsTable(): string {
  const rows = settingKeys.map((key) => {
    const spec = settingsSchema[key];
    const description = spec.description.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    return `| \`groundwork.${key}\` | \`${JSON.stringify(spec.default)}\` | ${description} |`;
  });
  return ['| setting | default | what it does |', '|---|---|---|', ...rows].join('\n');
}

export const settingsTableMarkers = { start: '<!-- settings:start -->', end: '<!-- settings:end -->' } as const;

export function withSettingsTable(readme: string): string {
  const { start, end } = settingsTableMarkers;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  return `${readme.slice(0, from + start.length)}\n${settingsTable()}\n${readme.slice(to)}`;
}
