import type { CompletionStatus } from '../completion/completionEngine.ts';
import { providerLabel } from '../llm/providerTarget.ts';
import { formatUsd } from '../common/format.ts';
import type { Readiness } from './readiness.ts';

/**
 * Everything the status bar may report, as facts; `describeStatus` turns them into what the
 * item shows. Features add their facet here (completions, index, spend) rather than writing to
 * the status bar themselves, so one place decides what matters most.
 */
export interface StatusFacts {
  readonly readiness: Readiness | undefined;
  /** Today's spend against the daily budget (limit 0: none). */
  readonly spend?: { readonly spentUsd: number; readonly limitUsd: number; readonly exceeded: boolean };
  /** `groundwork.statusBar.showSpend`. */
  readonly showSpend?: boolean;
  readonly completion?: CompletionStatus;
}

export type StatusSeverity = 'normal' | 'warning' | 'error';

export interface StatusView {
  /** Status bar text; `$(name)` is a codicon. */
  readonly text: string;
  readonly tooltip: string;
  readonly severity: StatusSeverity;
  /** The command a click runs. */
  readonly command: 'groundwork.setApiKey' | 'groundwork.showMenu' | 'groundwork.toggleCompletions';
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
  const spend = facts.spend;
  const spent = spend ? formatUsd(spend.spentUsd) : undefined;
  if (spend?.exceeded) {
    return {
      text: `$(debug-pause) Groundwork: paused by budget`,
      tooltip: `Today's spend ${spent} (all windows) reached the daily budget of ${formatUsd(spend.limitUsd)}: completions are paused until midnight, and chat and refactors ask first. Raise groundwork.budget.dailyUsd to resume now.`,
      severity: 'warning',
      command: 'groundwork.showMenu',
    };
  }
  const budget = spend && spend.limitUsd > 0 ? ` of ${formatUsd(spend.limitUsd)}` : '';
  const spendNote = spent ? ` Spent today: ${spent}${budget}.` : '';
  const suffix = facts.showSpend && spent ? ` ${spent}` : '';
  const completion = facts.completion;
  if (completion?.state === 'paused' && completion.by === 'restricted') {
    return {
      text: `$(workspace-untrusted) Groundwork${suffix}`,
      tooltip: 'Restricted Mode: Groundwork sends nothing from this workspace, so completions are off. Trust the workspace, or allow it for this window, to turn them on.',
      severity: 'normal',
      command: 'groundwork.showMenu',
    };
  }
  if (completion?.state === 'paused' && completion.by === 'user') {
    return {
      text: `$(debug-pause) Groundwork${suffix}`,
      tooltip: `Completions are paused.${spendNote} Click to resume.`,
      severity: 'normal',
      command: 'groundwork.toggleCompletions',
    };
  }
  if (completion?.state === 'error') {
    return {
      text: `$(warning) Groundwork${suffix}`,
      tooltip: `The last completion failed (${completion.reason}): ${completion.message}${spendNote} Click for actions.`,
      severity: 'warning',
      command: 'groundwork.showMenu',
    };
  }
  const icon = completion?.state === 'requesting' ? '$(loading~spin)' : '$(check)';
  return {
    text: `${icon} Groundwork${suffix}`,
    tooltip: `Groundwork is ready (${readiness.providers.map(providerLabel).join(', ')}).${completion?.state === 'requesting' ? ' Asking for a completion.' : ''}${spendNote} Click for actions.`,
    severity: 'normal',
    command: 'groundwork.showMenu',
  };
}
