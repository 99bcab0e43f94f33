import type { Logger } from 'pino';
import type { NewRow } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { GroupCommitter } from './group-committer.js';
import type { HoldsRepository } from './holds.repository.js';
import type { WaitlistWrites } from './waitlist.repository.js';

/** What the journal needs of a new hold. */
export interface JournalHold {
  id: string;
  offerId: string;
  organizationId: string;
  shopperId: string;
  quantity: number;
  createdAt: number;
  expiresAt: number;
  idempotencyKey: string | null;
  offerCode: string | null;
  trafficSource: string | null;
  market: string | null;
}

/** What the journal needs of a shopper joining a waitlist. */
export interface JournalWaitingEntry {
  id: string;
  offerId: string;
  organizationId: string;
  shopperId: string;
  quantity: number;
  market: string | null;
  order: number;
  joinedAt: number;
  /** The join's Idempotency-Key, and the place in line it was answered (its retries get it). */
  idempotencyKey?: string | null;
  position?: number | null;
}

/**
 * A wait that ended without a hold: passed by at the per-buyer limit, or with the offer. Or,
 * served, when the hold's own write could not name it: on Redis another process may serve an
 * entry before the join's row is written, and the joining process writes the end afterwards.
 */
export type JournalWaitEnd =
  | { id: string; organizationId: string; status: 'left' | 'expired' }
  | { id: string; organizationId: string; status: 'served'; holdId: string };

type HoldWrite =
  | { kind: 'created'; row: NewRow<'holds'>; servedEntryId: string | null }
  | { kind: 'ended'; id: string; status: 'expired' | 'released' }
  | { kind: 'joined'; row: NewRow<'waitlist'> }
  | { kind: 'waitEnded'; end: JournalWaitEnd };

/**
 * Hold batches in flight at once on a pipelined database: one per turn of the event loop under
 * load; the bound keeps a stalled database from collecting unbounded writes.
 */
const pipelinedBatches = 4;

/**
 * Makes hold decisions durable in the database by group commit: every new hold and every
 * ended hold decided while a write is in flight goes into the next transaction. Used by both
 * offer stores (embedded and Redis): whichever decided, the database is the record. Waitlist
 * joins and ends go in the same batches: a flood of joins in a sold-out drop costs one write
 * per batch, and a hold given to a waiting shopper commits with the end of their wait.
 */
export class HoldJournal {
  private readonly committer: GroupCommitter<HoldWrite>;

  constructor(
    private readonly deps: {
      holds: HoldsRepository;
      clock: Clock;
      logger?: Logger | undefined;
      /** The database runs off this thread: a batch starts at once (GroupCommitter). */
      writesOffThread?: boolean | undefined;
      /**
       * The database runs statements in the order sent (DatabaseHandle.pipelined): a batch
       * goes at the end of each turn of the event loop without waiting for the one before.
       */
      pipelinedWrites?: boolean | undefined;
    },
  ) {
    this.committer = new GroupCommitter(
      (writes) => this.writeBatch(writes),
      2000,
      deps.writesOffThread === true,
      deps.pipelinedWrites === true ? pipelinedBatches : 1,
    );
  }

  /**
   * Resolves once the hold's row is committed; a claim is acknowledged only then. A hold the
   * waitlist gave names the entry it served: both commit in one statement.
   */
  created(hold: JournalHold, servedEntryId: string | null = null): Promise<void> {
    return this.committer.enqueue({
      kind: 'created',
      servedEntryId,
      row: {
        id: hold.id,
        organizationId: hold.organizationId,
        offerId: hold.offerId,
        shopperId: hold.shopperId,
        quantity: hold.quantity,
        status: 'held',
        idempotencyKey: hold.idempotencyKey,
        offerCode: hold.offerCode,
        trafficSource: hold.trafficSource,
        market: hold.market,
        createdAt: new Date(hold.createdAt),
        expiresAt: new Date(hold.expiresAt),
      },
    });
  }

  /**
   * Ended holds need no acknowledgement: if the write is lost, recovery sees the deadline has
   * passed and expires them again (a released hold then reads as expired; its units return
   * either way).
   */
  ended(holdIds: Iterable<string>, status: 'expired' | 'released'): void {
    for (const id of holdIds) {
      this.committer.enqueue({ kind: 'ended', id, status }).catch((error: unknown) => {
        this.deps.logger?.warn(
          { err: error, holdId: id },
          'ended hold not written; recovery will redo it',
        );
      });
    }
  }

  /** Resolves once the entry's row is committed; a join is acknowledged only then. */
  joined(entry: JournalWaitingEntry): Promise<void> {
    return this.committer.enqueue({
      kind: 'joined',
      row: {
        id: entry.id,
        organizationId: entry.organizationId,
        offerId: entry.offerId,
        shopperId: entry.shopperId,
        quantity: entry.quantity,
        market: entry.market,
        idempotencyKey: entry.idempotencyKey ?? null,
        joinedPosition: entry.position ?? null,
        queueOrder: entry.order,
        status: 'waiting',
        holdId: null,
        joinedAt: new Date(entry.joinedAt),
        endedAt: null,
      },
    });
  }

  /**
   * Waits that ended without a hold need no acknowledgement: if the write is lost, a restart
   * finds the entry waiting and decides it again (the offer closed: it expires at start-up; the
   * shopper is at the limit: it is passed by again).
   */
  waitsEnded(ends: Iterable<JournalWaitEnd>): void {
    for (const end of ends) {
      this.committer.enqueue({ kind: 'waitEnded', end }).catch((error: unknown) => {
        this.deps.logger?.warn(
          { err: error, entryId: end.id },
          'ended wait not written; a restart decides it again',
        );
      });
    }
  }

  /** Waits until everything queued so far is written (or failed). */
  drain(): Promise<void> {
    return this.committer.drain();
  }

  private async writeBatch(writes: HoldWrite[]): Promise<void> {
    const created: NewRow<'holds'>[] = [];
    const ended: Array<{ id: string; status: 'expired' | 'released' }> = [];
    let waitlist: WaitlistBatch | undefined;
    const now = this.deps.clock.now();
    for (const write of writes) {
      switch (write.kind) {
        case 'created':
          created.push(write.row);
          if (write.servedEntryId !== null) {
            waitlist ??= new WaitlistBatch(now);
            waitlist.end(write.servedEntryId, write.row.organizationId, 'served', write.row.id);
          }
          break;
        case 'ended':
          ended.push({ id: write.id, status: write.status });
          break;
        case 'joined':
          waitlist ??= new WaitlistBatch(now);
          waitlist.join(write.row);
          break;
        case 'waitEnded':
          waitlist ??= new WaitlistBatch(now);
          waitlist.end(
            write.end.id,
            write.end.organizationId,
            write.end.status,
            write.end.status === 'served' ? write.end.holdId : null,
          );
          break;
      }
    }
    await this.deps.holds.writeHoldBatch(created, ended, now, waitlist?.writes);
  }
}

/**
 * The waitlist's writes of one batch. An entry that joined and ended within the batch is
 * inserted ended: one statement cannot update a row its own insert adds.
 */
class WaitlistBatch {
  private readonly joined = new Map<string, NewRow<'waitlist'>>();
  private readonly ended: WaitlistWrites['ended'][number][] = [];

  constructor(private readonly now: Date) {}

  join(row: NewRow<'waitlist'>): void {
    this.joined.set(row.id, { ...row });
  }

  end(
    id: string,
    organizationId: string,
    status: 'served' | 'left' | 'expired',
    holdId: string | null,
  ): void {
    const row = this.joined.get(id);
    if (row === undefined) {
      this.ended.push({ id, organizationId, status, holdId });
      return;
    }
    if (row.status !== 'waiting') return;
    row.status = status;
    row.holdId = holdId;
    row.endedAt = this.now;
  }

  get writes(): WaitlistWrites {
    return { joined: [...this.joined.values()], ended: this.ended };
  }
}
