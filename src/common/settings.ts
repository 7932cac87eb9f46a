import { type Disposable } from './disposable.ts';
import { Emitter, type Event } from './event.ts';
import type { Logger } from './logger.ts';
import { type HostApprovals, type SettingLayers, type WorkspaceHost, hostsNamed, noHostApprovals, resolveLayers } from './settingsTrust.ts';
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
  /** The raw values of `groundwork.<key>` by layer; a layer that does not set it is undefined. */
  read(key: SettingKey): SettingLayers;
  /** Fires with the keys whose values may have changed. */
  readonly onDidChange: Event<readonly SettingKey[]>;
}

export interface SettingsChange {
  readonly keys: readonly SettingKey[];
  readonly effects: ReadonlySet<SettingEffect>;
  affects(key: SettingKey): boolean;
}

const hostKeys = settingKeys.filter((key) => settingsSchema[key].trust === 'host');

/**
 * The one typed way to read settings. A value of the wrong type is reported once and replaced
 * by the default, so a typo in settings.json never crashes a feature. A workspace's values count
 * only as far as each setting's trust level allows (`settingsTrust.ts`): a cloned repository
 * cannot point the user's keys elsewhere or choose what they pay for.
 */
export class Settings implements Disposable {
  private readonly source: SettingsSource;
  private readonly logger: Logger;
  private readonly approvals: HostApprovals;
  private readonly changeEmitter = new Emitter<SettingsChange>();
  private readonly subscriptions: Disposable[];
  private readonly reported = new Set<string>();

  readonly onDidChange: Event<SettingsChange> = this.changeEmitter.event;

  constructor(source: SettingsSource, logger: Logger, approvals: HostApprovals = noHostApprovals) {
    this.source = source;
    this.logger = logger;
    this.approvals = approvals;
    this.subscriptions = [
      source.onDidChange((keys) => this.fireChange(keys)),
      // An approval changes what the workspace's host settings resolve to.
      approvals.onDidChange(() => this.fireChange(hostKeys)),
    ];
  }

  get<K extends SettingKey>(key: K): GroundworkSettings[K] {
    const spec = settingsSchema[key] as SettingSpec<GroundworkSettings[K]>;
    return this.validated(key, spec, resolveLayers(key, spec.trust, this.source.read(key), (origin) => this.approvals.isApproved(origin)));
  }

  /** The value from the user's own settings alone, ignoring the workspace: what a key was meant for. */
  userValue<K extends SettingKey>(key: K): GroundworkSettings[K] {
    return this.validated(key, settingsSchema[key] as SettingSpec<GroundworkSettings[K]>, this.source.read(key).user);
  }

  /** Every host this workspace's settings ask requests to go to, approved or not. */
  workspaceHosts(): WorkspaceHost[] {
    const byOrigin = new Map<string, string[]>();
    for (const key of hostKeys) {
      for (const { origin, setBy } of hostsNamed(key, this.source.read(key).workspace)) {
        byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), setBy]);
      }
    }
    return [...byOrigin].map(([origin, setBy]) => ({ origin, setBy, approved: this.approvals.isApproved(origin) }));
  }

  /** Settings the workspace sets that only the user's own settings may decide: ignored, and listed in Show Status. */
  ignoredWorkspaceSettings(): SettingKey[] {
    return settingKeys.filter((key) => settingsSchema[key].trust === 'user' && this.source.read(key).workspace !== undefined);
  }

  private validated<T>(key: SettingKey, spec: SettingSpec<T>, raw: unknown): T {
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
    return raw as T;
  }

  private fireChange(keys: readonly SettingKey[]): void {
    const effects = new Set(keys.map((key) => settingsSchema[key].effect));
    this.changeEmitter.fire({ keys, effects, affects: (key) => keys.includes(key) });
  }

  /** Every setting's current value, for diagnostics and the CLI. */
  snapshot(): GroundworkSettings {
    const entries = settingKeys.map((key) => [key, this.get(key)] as const);
    return Object.fromEntries(entries) as unknown as GroundworkSettings;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
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

/**
 * A settings source over plain maps: for tests, the CLI and benchmarks. The initial values are the
 * user's; `setWorkspace` plays a workspace's settings file.
 */
export class MemorySettingsSource implements SettingsSource {
  private readonly values = new Map<SettingKey, unknown>();
  private readonly workspaceValues = new Map<SettingKey, unknown>();
  private readonly emitter = new Emitter<readonly SettingKey[]>();
  readonly onDidChange = this.emitter.event;

  constructor(initial: Partial<GroundworkSettings> = {}, workspace: Partial<Record<SettingKey, unknown>> = {}) {
    for (const [key, value] of Object.entries(initial)) this.values.set(key as SettingKey, value);
    for (const [key, value] of Object.entries(workspace)) this.workspaceValues.set(key as SettingKey, value);
  }

  read(key: SettingKey): SettingLayers {
    return { user: this.values.get(key), workspace: this.workspaceValues.get(key) };
  }

  set<K extends SettingKey>(key: K, value: GroundworkSettings[K] | undefined): void {
    setOrDelete(this.values, key, value);
    this.emitter.fire([key]);
  }

  /** A workspace's value: raw, since a hostile settings file need not match the schema. */
  setWorkspace(key: SettingKey, value: unknown): void {
    setOrDelete(this.workspaceValues, key, value);
    this.emitter.fire([key]);
  }
}

function setOrDelete(map: Map<SettingKey, unknown>, key: SettingKey, value: unknown): void {
  if (value === undefined) map.delete(key);
  else map.set(key, value);
}
