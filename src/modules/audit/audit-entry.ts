import type { AuditEntryRow } from './audit.repository.js';

/** An audit entry as the API, the exports and the console see it. */
export interface AuditEntry {
  id: string;
  sequence: number;
  occurredAt: Date;
  /** `system` entries (scheduler, sweeper, CLI) have no id, role or name. */
  actor: {
    kind: 'user' | 'token' | 'system';
    id: string | null;
    role: string | null;
    name: string | null;
  };
  action: string;
  subjectType: string;
  subjectId: string;
  reason: string | null;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export function toAuditEntry(row: AuditEntryRow): AuditEntry {
  return {
    id: row.id,
    sequence: row.sequence,
    occurredAt: row.occurredAt,
    actor: { kind: row.actorKind, id: row.actorId, role: row.actorRole, name: row.actorName },
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    reason: row.reason,
    data: row.data,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
