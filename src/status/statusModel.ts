import type { Readiness } from './readiness.ts';

/**
 * Everything the status bar may report, as facts; `describeStatus` turns them into what the
 * item shows. Features add their facet here (completions, index, spend) rather than writing to
 * the status bar themselves, so one place decides what matters most.
 */
export interface StatusFacts {
  readonly readiness: Readiness | undefined;
}

export type StatusSeverity = 'normal' | 'warning' | 'error';

export interface StatusView {
  /** Status bar text; `$(name)` is a codicon. */
  readonly text: string;
  readonly tooltip: string;
  readonly severity: StatusSeverity;
  /** The command a click runs. */
  readonly command: 'groundwork.setApiKey' | 'groundwork.showMenu';
}

const providerLabels: Readonly<Record<string, string>> = { openai: 'OpenAI', anthropic: 'Anthropic' };

export function providerLabel(provider: string): string {
  return providerLabels[provider] ?? provider;
}

export function describeStatus(facts: StatusFacts): StatusView {
  const readiness = facts.readiness;
  if (!readiness) {
    return { text: '$(loading~spin) Groundwork', tooltip: 'Groundwork is starting', severity: 'normal', command: 'groundwork.showMenu' };
  }
  if (readiness.kind === 'notConfigured') {
    const missing = readiness.missingKeys.map(providerLabel).join(' and ');
    return {
      text: '$(key) Groundwork: Set up',
      tooltip: `Groundwork is not configured: no API key for ${missing}. Click to set one.`,
      severity: 'warning',
      command: 'groundwork.setApiKey',
    };
  }
  return {
    text: '$(check) Groundwork',
    tooltip: `Groundwork is ready (${readiness.providers.map(providerLabel).join(', ')}). Click for actions.`,
    severity: 'normal',
    command: 'groundwork.showMenu',
  };
}
