import type { Disposable } from './disposable.ts';
import { Emitter, type Event } from './event.ts';
import type { KeyValuePort } from './keyValuePort.ts';
import type { EndpointSetting, SettingKey } from './settingsSchema.ts';

/**
 * How far a setting trusts the workspace. A cloned repository's `.vscode/settings.json` (or a
 * `.code-workspace` file) is written by whoever wrote the repository, so settings that decide
 * where keys and code go, or what the user pays, cannot simply take its word:
 * - `user`: only the user's own (user or machine) value counts; a workspace value is ignored.
 * - `host`: a workspace value that names a host counts only once the user has approved that
 *   exact origin for this workspace; until then the user's value stands.
 * Settings without a trust level merge as VS Code merges them (the workspace wins).
 */
export type SettingTrust = 'user' | 'host';

/** A setting's raw values by where they were written; undefined where that layer has none. */
export interface SettingLayers {
  readonly user?: unknown;
  readonly workspace?: unknown;
}

/** The origins the user has approved for this workspace's settings, remembered per workspace. */
export interface HostApprovals {
  isApproved(origin: string): boolean;
  readonly onDidChange: Event<void>;
}

export const noHostApprovals: HostApprovals = { isApproved: () => false, onDidChange: () => ({ dispose: () => {} }) };

/** A host a workspace setting asks requests to go to, and which settings name it. */
export interface WorkspaceHost {
  readonly origin: string;
  /** `groundwork.endpoints "openai"`, `groundwork.openai.baseUrl`, … */
  readonly setBy: readonly string[];
  readonly approved: boolean;
}

/**
 * The `scheme://host:port` of an http(s) URL, normalized by WHATWG URL parsing (lower-case host,
 * default ports dropped); undefined for anything else, so a malformed value never matches.
 */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** True when the URL's host is this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const hostKeys: ReadonlySet<SettingKey> = new Set(['openai.baseUrl', 'anthropic.baseUrl', 'endpoints']);

/** The hosts a workspace value of a `host` setting names, with the setting that names each. */
export function hostsNamed(key: SettingKey, value: unknown): { readonly origin: string; readonly setBy: string }[] {
  if (!hostKeys.has(key)) return [];
  if (key === 'endpoints') {
    if (!Array.isArray(value)) return [];
    return value.flatMap((entry: unknown) => {
      const endpoint = asEndpoint(entry);
      const origin = endpoint && originOf(endpoint.baseUrl);
      return endpoint && origin ? [{ origin, setBy: `groundwork.endpoints "${endpoint.name}"` }] : [];
    });
  }
  const origin = typeof value === 'string' && value.trim() ? originOf(value.trim()) : undefined;
  return origin ? [{ origin, setBy: `groundwork.${key}` }] : [];
}

/**
 * The value a setting takes given its trust level, its layers and the approved origins. For
 * `endpoints`, approved workspace entries join the user's (replacing one of the same name) and the
 * rest are dropped, so one unapproved host never disables the user's own servers.
 */
export function resolveLayers(key: SettingKey, trust: SettingTrust | undefined, layers: SettingLayers, approved: (origin: string) => boolean): unknown {
  if (trust === undefined) return layers.workspace ?? layers.user;
  if (trust === 'user' || layers.workspace === undefined) return layers.user;
  if (key === 'endpoints') {
    const user = Array.isArray(layers.user) ? (layers.user as unknown[]) : [];
    const workspace = Array.isArray(layers.workspace) ? layers.workspace : [];
    const admitted = workspace.map(asEndpoint).filter((entry): entry is EndpointSetting => {
      const origin = entry && originOf(entry.baseUrl);
      return origin !== undefined && origin !== '' && approved(origin);
    });
    if (admitted.length === 0) return layers.user;
    const names = new Set(admitted.map((entry) => entry.name));
    return [...user.filter((entry) => !names.has(asEndpoint(entry)?.name ?? '\u0000')), ...admitted];
  }
  const named = hostsNamed(key, layers.workspace);
  return named.length === 1 && approved(named[0]!.origin) ? layers.workspace : layers.user;
}

function asEndpoint(entry: unknown): EndpointSetting | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { name, baseUrl } = entry as Partial<EndpointSetting>;
  return typeof name === 'string' && name && typeof baseUrl === 'string' ? (entry as EndpointSetting) : undefined;
}

const approvedKey = 'groundwork.approvedWorkspaceHosts';
const declinedKey = 'groundwork.declinedWorkspaceHosts';

/**
 * The origins approved for this workspace, kept in the workspace's own storage (VS Code's
 * `workspaceState`, which no file in the repository can write) so the answer holds across
 * reloads and can be taken back.
 */
export class ApprovedHosts implements HostApprovals, Disposable {
  private readonly store: KeyValuePort;
  private readonly emitter = new Emitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(store: KeyValuePort) {
    this.store = store;
  }

  isApproved(origin: string): boolean {
    return this.list().includes(origin);
  }

  list(): string[] {
    return this.read(approvedKey);
  }

  /** True when the user said no to the host for this workspace: it is not asked about again. */
  isDeclined(origin: string): boolean {
    return this.read(declinedKey).includes(origin);
  }

  async approve(origin: string): Promise<void> {
    if (this.isApproved(origin)) return;
    await this.store.update(declinedKey, this.read(declinedKey).filter((candidate) => candidate !== origin));
    await this.store.update(approvedKey, [...this.list(), origin]);
    this.emitter.fire();
  }

  /** Takes an approval back, or records a no: either way the host is not used, nor asked about again. */
  async revoke(origin: string): Promise<void> {
    if (!this.isDeclined(origin)) await this.store.update(declinedKey, [...this.read(declinedKey), origin]);
    if (!this.isApproved(origin)) return;
    await this.store.update(approvedKey, this.list().filter((candidate) => candidate !== origin));
    this.emitter.fire();
  }

  private read(key: string): string[] {
    const stored = this.store.get(key);
    return Array.isArray(stored) ? stored.filter((origin): origin is string => typeof origin === 'string') : [];
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
