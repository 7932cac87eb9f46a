import type { RequestEvent } from '../llm/modelGateway.ts';
import type { AuditRecord } from './auditLog.ts';

/** The audit log's view of a request the gateway sent: who, what files, how much, what was redacted. */
export function auditRecordOf(event: RequestEvent): AuditRecord {
  const { entry } = event;
  return {
    time: new Date(entry.time).toISOString(),
    feature: entry.feature,
    provider: entry.provider,
    model: entry.model,
    files: event.sources.map((source) => ({
      path: source.path,
      ...(source.startLine !== undefined ? { startLine: source.startLine } : {}),
      ...(source.endLine !== undefined ? { endLine: source.endLine } : {}),
    })),
    inputTokens: entry.inputTokens,
    outputTokens: entry.outputTokens,
    redactions: { count: entry.redactions, kinds: event.redactionKinds },
    outcome: entry.outcome,
  };
}
