/**
 * Remembers providers that keep failing and benches them for a short while, so a down server is
 * skipped at once instead of costing every request a timeout.
 */
export class ProviderCooldown {
  private readonly failuresBeforeCooldown: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private readonly failures = new Map<string, number>();
  private readonly until = new Map<string, number>();

  constructor(options: { failuresBeforeCooldown?: number; cooldownMs?: number; now?: () => number } = {}) {
    this.failuresBeforeCooldown = options.failuresBeforeCooldown ?? 3;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  isCoolingDown(provider: string): boolean {
    const until = this.until.get(provider);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.until.delete(provider);
    return false;
  }

  recordFailure(provider: string): void {
    const count = (this.failures.get(provider) ?? 0) + 1;
    this.failures.set(provider, count);
    if (count >= this.failuresBeforeCooldown) {
      this.until.set(provider, this.now() + this.cooldownMs);
      this.failures.set(provider, 0);
    }
  }

  recordSuccess(provider: string): void {
    this.failures.delete(provider);
    this.until.delete(provider);
  }
}
