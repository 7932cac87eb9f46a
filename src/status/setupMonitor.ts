import { DisposableBase } from '../common/disposable.ts';
import { Emitter, type Event } from '../common/event.ts';
import type { Logger } from '../common/logger.ts';
import type { Settings } from '../common/settings.ts';
import type { ApiKeys } from '../llm/apiKeys.ts';
import { type Readiness, checkReadiness } from './readiness.ts';

/** Keeps the readiness current as keys and model settings change, and announces each new value. */
export class SetupMonitor extends DisposableBase {
  private readonly settings: Settings;
  private readonly keys: ApiKeys;
  private readonly logger: Logger;
  private readonly emitter = this._register(new Emitter<Readiness>());
  private latest: Readiness | undefined;
  private generation = 0;

  readonly onDidChange: Event<Readiness> = this.emitter.event;

  constructor(settings: Settings, keys: ApiKeys, logger: Logger) {
    super();
    this.settings = settings;
    this.keys = keys;
    this.logger = logger;
    this._register(keys.onDidChange(() => void this.refresh()));
    this._register(
      settings.onDidChange((change) => {
        if (change.effects.has('resetProviders')) void this.refresh();
      }),
    );
  }

  get readiness(): Readiness | undefined {
    return this.latest;
  }

  /** Recomputes readiness; of overlapping refreshes, only the newest one's answer is kept. */
  async refresh(): Promise<Readiness | undefined> {
    const generation = ++this.generation;
    try {
      const readiness = await checkReadiness(this.settings, this.keys);
      if (generation !== this.generation || this.isDisposed) return this.latest;
      this.latest = readiness;
      this.logger.info(
        readiness.kind === 'ready' ? `ready: ${readiness.providers.join(', ')}` : `not configured: no key for ${readiness.missingKeys.join(', ')}`,
      );
      this.emitter.fire(readiness);
      return readiness;
    } catch (error) {
      this.logger.error(error instanceof Error ? error : String(error));
      return this.latest;
    }
  }
}
