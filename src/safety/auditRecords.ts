import type { SourceRef } from '../llm/contentFilter.ts';
import type { RequestEvent, RequestStart } from '../llm/modelGateway.ts';
import type { AuditFileRange, AuditRecord } from './auditLog.ts';

/** The audit log's line written before a request leaves: who, to whom, what files, what was redacted. */
export function auditStartOf(start: RequestStart): AuditRecord {
  return {
    id: start.id,
    state: 'started',
    time: new Date(start.time).toISOString(),
    feature: start.feature,
    provider: start.provider,
    model: start.model,
    files: fileRanges(start.sources),
    redactions: { count: start.redactions, kinds: start.redactionKinds },
    ...(start.images ? { images: start.images } : {}),
  };
}

/** The line written when the request ends: the started line's facts plus tokens and outcome. */
export function auditRecordOf(event: RequestEvent): AuditRecord {
  const { entry } = event;
  return {
    id: event.id,
    state: 'finished',
    time: new Date(entry.time).toISOString(),
    feature: entry.feature,
    provider: entry.provider,
    model: entry.model,
    files: fileRanges(event.sources),
    inputTokens: entry.inputTokens,
    outputTokens: entry.outputTokens,
    redactions: { count: entry.redactions, kinds: event.redactionKinds },
    ...(event.images ? { images: event.images } : {}),
    outcome: entry.outcome,
  };
}

function fileRanges(sources: readonly SourceRef[]): AuditFileRange[] {
  return sources.map((source) => ({
    path: source.path,
    ...(source.startLine !== undefined ? { startLine: source.startLine } : {}),
    ...(source.endLine !== undefined ? { endLine: source.endLine } : {}),
  }));
}
