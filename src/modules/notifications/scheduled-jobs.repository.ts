import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Row } from '../../db/schema.js';

export type ScheduledJobRow = Row<'scheduledJobs'>;

export interface NewScheduledJob {
  id: string;
  organizationId: string;
  kind: string;
  key: string;
  runAt: Date;
  payload: Record<string, unknown>;
}

/** How a claimed run ends for the revision it claimed. */
export type JobOutcome =
  | { status: 'done' }
  | { status: 'pending'; runAt: Date; error: string }
  | { status: 'failed'; error: string };

/** SQL for the scheduler's jobs. Claims and settlements are keyed by the claim's lease. */
export class ScheduledJobsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Inserts the job, or moves the organisation's job with the same key to the new time and
   * payload and makes it pending again. A job running right now keeps its lease: the run
   * finishes, sees the revision moved, and leaves the new schedule pending.
   */
  async upsert(job: NewScheduledJob, now: Date): Promise<void> {
    await this.db
      .insertInto('scheduledJobs')
      .values({
        ...job,
        payload: JSON.stringify(job.payload),
        status: 'pending',
        createdAt: now,
        updatedAt: now,
      })
      .onConflict((conflict) =>
        conflict.columns(['organizationId', 'key']).doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          runAt: eb.ref('excluded.runAt'),
          payload: eb.ref('excluded.payload'),
          status: sql<
            'pending' | 'running'
          >`case when ${eb.ref('scheduledJobs.status')} = 'running' then 'running' else 'pending' end`,
          attempts: 0,
          lastError: null,
          revision: sql<number>`${eb.ref('scheduledJobs.revision')} + 1`,
          updatedAt: now,
        })),
      )
      .execute();
  }

  /** Deletes the job unless it has already finished (finished jobs stay as history). */
  async deleteUnfinished(organizationId: string, key: string): Promise<void> {
    await this.db
      .deleteFrom('scheduledJobs')
      .where('organizationId', '=', organizationId)
      .where('key', '=', key)
      .where('status', 'in', ['pending', 'running'])
      .execute();
  }

  async find(organizationId: string, key: string): Promise<ScheduledJobRow | undefined> {
    return this.db
      .selectFrom('scheduledJobs')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  /**
   * Claims up to `limit` due jobs for `leaseId` until `lockedUntil`: pending ones whose time
   * has come, and running ones whose lease ran out (their process died). `skip locked` lets
   * processes claiming at the same moment take different rows instead of waiting; the lease
   * check, re-read on the row's newest version, keeps a row claimed by another from being
   * taken twice. Deliberately across organisations: this is the system's own worker.
   */
  async claimDue(
    now: Date,
    leaseId: string,
    lockedUntil: Date,
    limit: number,
  ): Promise<ScheduledJobRow[]> {
    return this.db
      .updateTable('scheduledJobs')
      .set((eb) => ({
        status: 'running',
        attempts: eb('attempts', '+', 1),
        leaseId,
        lockedUntil,
        updatedAt: now,
      }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('scheduledJobs')
          .select('id')
          .where('status', 'in', ['pending', 'running'])
          .where('runAt', '<=', now)
          .where((where) =>
            where.or([where('lockedUntil', 'is', null), where('lockedUntil', '<=', now)]),
          )
          .orderBy('runAt')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
  }

  /**
   * Ends a claimed run. When the job was rescheduled meanwhile (its revision moved), the new
   * schedule wins: the job is only released, pending at its new time.
   */
  async settle(
    job: Pick<ScheduledJobRow, 'id' | 'leaseId' | 'revision'>,
    outcome: JobOutcome,
    now: Date,
  ): Promise<void> {
    if (!job.leaseId) return;
    const settled = await this.db
      .updateTable('scheduledJobs')
      .set({
        status: outcome.status,
        lastError: outcome.status === 'done' ? null : outcome.error,
        ...(outcome.status === 'pending' ? { runAt: outcome.runAt } : {}),
        leaseId: null,
        lockedUntil: null,
        updatedAt: now,
      })
      .where('id', '=', job.id)
      .where('leaseId', '=', job.leaseId)
      .where('revision', '=', job.revision)
      .executeTakeFirst();
    if (Number(settled.numUpdatedRows) === 1) return;
    await this.db
      .updateTable('scheduledJobs')
      .set({ status: 'pending', leaseId: null, lockedUntil: null, updatedAt: now })
      .where('id', '=', job.id)
      .where('leaseId', '=', job.leaseId)
      .execute();
  }

  /** Deletes jobs that finished before the cutoffs; their outcome was logged. */
  async purgeFinished(doneBefore: Date, failedBefore: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('scheduledJobs')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'done'), eb('updatedAt', '<', doneBefore)]),
          eb.and([eb('status', '=', 'failed'), eb('updatedAt', '<', failedBefore)]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
