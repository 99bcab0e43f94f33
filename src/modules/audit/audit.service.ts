import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { AuditRepository, EntryFilters } from './audit.repository.js';
import { type ChainReport, ChainVerifier } from './audit-chain.js';
import { type AuditEntry, toAuditEntry } from './audit-entry.js';
import { type AuditExport, type ExportFormat, exportEntries } from './audit-export.js';
import { genesisHash, hashEntry, toJsonValue } from './audit-hash.js';
import type { AuditEntryInput, AuditRecorder } from './audit-recorder.js';

/** The name shown for an actor at the time of the entry (a user's name, a token's name). */
export type ActorNamer = (actor: Actor) => Promise<string | null>;

export interface AuditDeps {
  repository: AuditRepository;
  clock: Clock;
  nameActor: ActorNamer;
}

export interface AuditPage {
  items: AuditEntry[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export type { ChainReport } from './audit-chain.js';
export type { AuditEntry } from './audit-entry.js';

export const defaultPageSize = 50;
export const maxPageSize = 200;

function checkRange(filters: EntryFilters): void {
  if (filters.from && filters.to && filters.from > filters.to) {
    throw new AppError('invalid', 'to: must not be before from', { field: 'to' });
  }
}

/**
 * The tamper-evident audit trail (issue #4): approvals, kill switch, price changes, role
 * changes and the rest are appended per organisation, each entry carrying the hash of the one
 * before, so an edited, deleted or reordered row shows up in `verify`.
 */
export class AuditService implements AuditRecorder {
  constructor(private readonly deps: AuditDeps) {}

  async record(input: AuditEntryInput): Promise<void> {
    const { actor } = input;
    const id = newId();
    const occurredAt = this.deps.clock.now();
    const actorName = actor ? await this.deps.nameActor(actor) : null;
    const data = toJsonValue(input.data);
    await this.deps.repository.append(
      input.organizationId,
      { sequence: 0, hash: genesisHash },
      (head) => {
        const fields = {
          id,
          organizationId: input.organizationId,
          sequence: head.sequence + 1,
          occurredAt,
          actorKind: actor?.kind ?? ('system' as const),
          actorId: actor?.id ?? null,
          actorRole: actor?.role ?? null,
          actorName,
          action: input.action,
          subjectType: input.subjectType,
          subjectId: input.subjectId,
          reason: input.reason ?? null,
          data,
          prevHash: head.hash,
        };
        return { ...fields, data: JSON.stringify(data), hash: hashEntry(fields) };
      },
    );
  }

  async list(
    actor: Actor,
    filters: EntryFilters & { cursor?: string | undefined; limit?: number | undefined },
  ): Promise<AuditPage> {
    requirePermission(actor, 'audit.read');
    checkRange(filters);
    const limit = Math.min(filters.limit ?? defaultPageSize, maxPageSize);
    const beforeSequence = filters.cursor === undefined ? undefined : Number(filters.cursor);
    if (beforeSequence !== undefined && !(Number.isInteger(beforeSequence) && beforeSequence > 0)) {
      throw new AppError('invalid', 'cursor: must be a nextCursor from a previous page', {
        field: 'cursor',
      });
    }
    const rows = await this.deps.repository.listEntries(actor.organizationId, filters, {
      beforeSequence,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map(toAuditEntry);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? String(last.sequence) : null };
  }

  /**
   * Recomputes every hash of the organisation's log, checks each link to the previous entry,
   * that sequences have no gaps and that the log reaches the head. Reads up to the head as it
   * was when the check started, so entries appended meanwhile are left for the next check.
   */
  async verify(organizationId: string): Promise<ChainReport> {
    const head = await this.deps.repository.findHead(organizationId);
    const verifier = new ChainVerifier(head);
    for await (const row of this.deps.repository.readInOrder(organizationId, {
      upToSequence: head?.sequence,
    })) {
      verifier.check(row);
    }
    return verifier.finish();
  }

  /** `verify` for the actor's own organisation. */
  async verifyAs(actor: Actor): Promise<ChainReport> {
    requirePermission(actor, 'audit.read');
    return this.verify(actor.organizationId);
  }

  /** Organisations with an audit trail (for `mydrop audit verify` without --org). */
  async listAuditedOrganizations(): Promise<string[]> {
    return this.deps.repository.listOrganizationIds();
  }

  /**
   * The log, oldest first, as CSV or JSON chunks. Permission is checked before the first chunk,
   * so a refusal is an ordinary error rather than a broken download.
   */
  export(actor: Actor, format: ExportFormat, filters: EntryFilters = {}): AuditExport {
    requirePermission(actor, 'audit.read');
    checkRange(filters);
    const rows = this.deps.repository.readInOrder(actor.organizationId, filters);
    return exportEntries({
      organizationId: actor.organizationId,
      exportedAt: this.deps.clock.now(),
      format,
      rows,
    });
  }
}
