import type { Logger } from 'pino';
import type { NewRow } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { DropsRepository } from './drops.repository.js';
import { GroupCommitter } from './group-committer.js';

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

type HoldWrite =
  | { kind: 'created'; row: NewRow<'holds'> }
  | { kind: 'ended'; id: string; status: 'expired' | 'released' };

/**
 * Hold batches in flight at once on a pipelined database: one per turn of the event loop under
 * load; the bound keeps a stalled database from collecting unbounded writes.
 */
const pipelinedBatches = 4;

/**
 * Makes hold decisions durable in the database by group commit: every new hold and every
 * ended hold decided while a write is in flight goes into the next transaction. Used by both
 * offer stores (embedded and Redis): whichever decided, the database is the record.
 */
export class HoldJournal {
  private readonly committer: GroupCommitter<HoldWrite>;

  constructor(
    private readonly deps: {
      repository: DropsRepository;
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

  /** Resolves once the hold's row is committed; a claim is acknowledged only then. */
  created(hold: JournalHold): Promise<void> {
    return this.committer.enqueue({
      kind: 'created',
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

  /** Waits until everything queued so far is written (or failed). */
  drain(): Promise<void> {
    return this.committer.drain();
  }

  private async writeBatch(writes: HoldWrite[]): Promise<void> {
    const created: NewRow<'holds'>[] = [];
    const ended: Array<{ id: string; status: 'expired' | 'released' }> = [];
    for (const write of writes) {
      if (write.kind === 'created') created.push(write.row);
      else ended.push({ id: write.id, status: write.status });
    }
    await this.deps.repository.writeHoldBatch(created, ended, this.deps.clock.now());
  }
}
