import type { Actor } from '../access/index.js';

/**
 * What a module hands the audit trail. Modules depend on this port, never on the audit
 * module's tables; the trail chains each entry to the one before (issue #4).
 */
export interface AuditEntryInput {
  organizationId: string;
  /** Who did it; null when the system did (scheduler, sweeper, webhook). */
  actor: Actor | null;
  /** Dotted verb, `<subject>.<what happened>`: `offer.approved`, `show.went_live`. */
  action: string;
  subjectType: string;
  subjectId: string;
  /** Required by some actions (overrides, kill switch); kept verbatim. */
  reason?: string | undefined;
  /** What changed: before/after values, version ids, content hashes. */
  data?: Record<string, unknown>;
}

export interface AuditRecorder {
  /** Resolves once the entry is durable and chained. */
  record(entry: AuditEntryInput): Promise<void>;
}
