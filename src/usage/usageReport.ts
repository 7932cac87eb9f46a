import type { PeriodUsage, UsageSummary, UsageTotals } from '../llm/usageSummary.ts';
import { escapeHtml, formatUsd as usd } from '../common/format.ts';
import { estimatedPrices } from '../llm/prices.ts';

/**
 * The body of "Groundwork: Show Usage": today and this month, per feature and per model, with
 * the completion acceptance rate. Plain HTML with every value escaped; the shell wraps it in a
 * webview with a strict CSP and the theme's stylesheet.
 */
export function renderUsageReport(summary: UsageSummary, options: { readonly dailyLimitUsd: number }): string {
  return [
    '<h1>Groundwork usage</h1>',
    period('Today', summary.today, options.dailyLimitUsd),
    period('This month', summary.month, 0),
    '<p class="muted">Costs come from the price table (override it with <code>groundwork.prices</code>). Tokens come from the providers\' usage reports where given, else are counted locally.</p>',
  ].join('\n');
}

function period(title: string, usage: PeriodUsage, limitUsd: number): string {
  const limit = limitUsd > 0 ? ` of the ${usd(limitUsd)} daily budget` : '';
  const acceptance =
    usage.acceptanceRate === null
      ? 'no completions shown'
      : `${usage.completionsAccepted} of ${usage.completionsShown} completions accepted (${percent(usage.acceptanceRate)})`;
  return [
    `<section aria-label="${escapeHtml(title)}">`,
    `<h2>${escapeHtml(title)}</h2>`,
    `<p><strong>${usd(usage.costUsd)}</strong>${escapeHtml(limit)} · ${usage.calls} calls · ${usage.errors} failed · ${escapeHtml(acceptance)}</p>`,
    usage.estimatedCalls > 0
      ? `<p class="muted">${usage.estimatedCalls} calls are <strong>estimated</strong> (${usd(usage.estimatedUsd)}): their model has no known price, so they count at ${perMillion(estimatedPrices.text)} (embeddings ${perMillion(estimatedPrices.embedding)}). Set its price in <code>groundwork.prices</code>.</p>`
      : '',
    table('Feature', usage.byFeature),
    table('Model', usage.byModel),
    '</section>',
  ].join('\n');
}

function table(heading: string, rows: Readonly<Record<string, UsageTotals>>): string {
  const entries = Object.entries(rows).sort(([, a], [, b]) => b.costUsd - a.costUsd || b.calls - a.calls);
  if (entries.length === 0) return `<p class="muted">No calls yet.</p>`;
  const body = entries
    .map(
      ([name, totals]) =>
        `<tr><th scope="row">${escapeHtml(name)}</th><td>${totals.calls}</td><td>${totals.errors}</td><td>${count(totals.inputTokens)}</td><td>${count(totals.outputTokens)}</td><td>${usd(totals.costUsd)}${totals.estimatedCalls > 0 ? ' (estimated)' : ''}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th scope="col">${heading}</th><th scope="col">Calls</th><th scope="col">Failed</th><th scope="col">Input tokens</th><th scope="col">Output tokens</th><th scope="col">Cost</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const perMillion = (price: { readonly input: number; readonly output: number }) => `$${price.input} in / $${price.output} out per million tokens`;
const percent = (value: number) => `${Math.round(value * 100)}%`;
const count = (value: number) => value.toLocaleString('en-US');
