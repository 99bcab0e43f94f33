import type { Json, Timestamp } from './column-types.js';

/** Kysely table types for the audit migration (camelCase columns; see schema.ts). */
export interface AuditTables {
  auditHeads: AuditHeadsTable;
  auditEntries: AuditEntriesTable;
}

/** One row per organisation: the chain's last sequence and hash, locked by every append. */
export interface AuditHeadsTable {
  organizationId: string;
  sequence: number;
  hash: string;
}

export interface AuditEntriesTable {
  id: string;
  organizationId: string;
  /** 1, 2, 3 ... per organisation, without gaps. */
  sequence: number;
  occurredAt: Timestamp;
  actorKind: 'user' | 'token' | 'system';
  actorId: string | null;
  actorRole: string | null;
  /** The user's or token's name when the entry was written, so renames do not rewrite history. */
  actorName: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  reason: string | null;
  data: Json<Record<string, unknown>>;
  prevHash: string;
  hash: string;
}
