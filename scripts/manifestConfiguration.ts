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
