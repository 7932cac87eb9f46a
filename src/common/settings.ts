import { type Disposable } from './disposable.ts';
import { Emitter, type Event } from './event.ts';
import type { Logger } from './logger.ts';
import {
  type GroundworkSettings,
  type SettingEffect,
  type SettingKey,
  type SettingSpec,
  settingKeys,
  settingsSchema,
} from './settingsSchema.ts';

/** Where raw setting values come from: VS Code's configuration in the shell, a map in tests. */
export interface SettingsSource {
  /** The raw value of `groundwork.<key>`, or undefined when the user has not set it. */
  read(key: SettingKey): unknown;
  /** Fires with the keys whose values may have changed. */
  readonly onDidChange: Event<readonly SettingKey[]>;
}

export interface SettingsChange {
  readonly keys: readonly SettingKey[];
  readonly effects: ReadonlySet<SettingEffect>;
  affects(key: SettingKey): boolean;
}

/**
 * The one typed way to read settings. A value of the wrong type is reported once and replaced
 * by the default, so a typo in settings.json never crashes a feature.
 */
export class Settings implements Disposable {
  private readonly source: SettingsSource;
  private readonly logger: Logger;
  private readonly changeEmitter = new Emitter<SettingsChange>();
  private readonly subscription: Disposable;
  private readonly reported = new Set<string>();

  readonly onDidChange: Event<SettingsChange> = this.changeEmitter.event;

  constructor(source: SettingsSource, logger: Logger) {
    this.source = source;
    this.logger = logger;
    this.subscription = source.onDidChange((keys) => {
      const effects = new Set(keys.map((key) => settingsSchema[key].effect));
      this.changeEmitter.fire({ keys, effects, affects: (key) => keys.includes(key) });
    });
  }

  get<K extends SettingKey>(key: K): GroundworkSettings[K] {
    const spec = settingsSchema[key] as SettingSpec<GroundworkSettings[K]>;
    const raw = this.source.read(key);
    if (raw === undefined || raw === null) return spec.default;
    const problem = validate(spec, raw);
    if (problem) {
      const report = `${key}:${JSON.stringify(raw)}`;
      if (!this.reported.has(report)) {
        this.reported.add(report);
        this.logger.warn(`Setting groundwork.${key} ${problem}; using the default ${JSON.stringify(spec.default)}.`);
      }
      return spec.default;
    }
    return raw as GroundworkSettings[K];
  }

  /** Every setting's current value, for diagnostics and the CLI. */
  snapshot(): GroundworkSettings {
    const entries = settingKeys.map((key) => [key, this.get(key)] as const);
    return Object.fromEntries(entries) as unknown as GroundworkSettings;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

function validate(spec: SettingSpec<unknown>, value: unknown): string | undefined {
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return 'should be a string';
      if (spec.enum && !spec.enum.includes(value)) return `should be one of ${spec.enum.join(', ')}`;
      return undefined;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || Number.isNaN(value)) return 'should be a number';
      if (spec.type === 'integer' && !Number.isInteger(value)) return 'should be a whole number';
      if (spec.minimum !== undefined && value < spec.minimum) return `should be at least ${spec.minimum}`;
      if (spec.maximum !== undefined && value > spec.maximum) return `should be at most ${spec.maximum}`;
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'should be true or false';
    case 'array':
      return Array.isArray(value) ? undefined : 'should be a list';
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? undefined : 'should be an object';
  }
}

/** A settings source over a plain map: for tests, the CLI and benchmarks. */
export class MemorySettingsSource implements SettingsSource {
  private readonly values = new Map<SettingKey, unknown>();
  private readonly emitter = new Emitter<readonly SettingKey[]>();
  readonly onDidChange = this.emitter.event;

  constructor(initial: Partial<GroundworkSettings> = {}) {
    for (const [key, value] of Object.entries(initial)) this.values.set(key as SettingKey, value);
  }

  read(key: SettingKey): unknown {
    return this.values.get(key);
  }

  set<K extends SettingKey>(key: K, value: GroundworkSettings[K] | undefined): void {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
    this.emitter.fire([key]);
  }
}
