import pino, { type Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type {
  JobHandler,
  JobHandlerRegistry,
  JobRetryPolicy,
  JobScheduler,
  ScheduledJob,
} from './ports.js';
import type { ScheduledJobRow, ScheduledJobsRepository } from './scheduled-jobs.repository.js';

/** What a handler receives: the job as scheduled, plus which run this is. */
export interface RunningJob extends ScheduledJob {
  id: string;
  /** 1 for the first run, 2 for the first retry ... */
  attempt: number;
}

export interface DurableSchedulerDeps {
  repository: ScheduledJobsRepository;
  clock: Clock;
  logger?: Logger | undefined;
  /** How long a claimed job is reserved for the process running it. */
  leaseMs?: number;
  /** Jobs claimed per round. */
  batchSize?: number;
}

export const defaultRetryPolicy: Required<JobRetryPolicy> = {
  maxAttempts: 5,
  backoffMs: 30_000,
  maxBackoffMs: 60 * 60_000,
};

const defaultLeaseMs = 5 * 60_000;
const defaultBatchSize = 10;
/** A handler that reschedules its own key for now would otherwise keep one runDue busy. */
const maxRoundsPerRun = 20;
const purgeEveryMs = 60 * 60_000;
const keepDoneMs = 7 * 24 * 60 * 60_000;
const keepFailedMs = 30 * 24 * 60 * 60_000;

/** Wait before run `attempt + 1`: the backoff doubled for each retry already made, capped. */
export function retryDelayMs(attempt: number, policy: Required<JobRetryPolicy>): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, attempt - 1));
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 2000);
}

/**
 * The job scheduler behind `JobScheduler`: jobs are rows, so they survive restarts, and any
 * number of processes may run `runDue` against one database (see ScheduledJobsRepository for
 * how claims stay exclusive). A job runs at least once: a process dying mid-run leaves the
 * job to be claimed again when its lease ends, so handlers must be safe to repeat.
 */
export class DurableScheduler implements JobScheduler, JobHandlerRegistry {
  private readonly handlers = new Map<
    string,
    { handler: JobHandler; retry: Required<JobRetryPolicy> }
  >();
  private readonly logger: Logger;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<number> | undefined;
  private wakeRequested = false;
  private lastPurgeAt = 0;

  constructor(private readonly deps: DurableSchedulerDeps) {
    this.logger = deps.logger ?? pino({ level: 'silent' });
    this.leaseMs = deps.leaseMs ?? defaultLeaseMs;
    this.batchSize = deps.batchSize ?? defaultBatchSize;
  }

  handle(kind: string, handler: JobHandler, retry: JobRetryPolicy = {}): void {
    if (this.handlers.has(kind))
      throw new Error(`a handler for ${kind} jobs is already registered`);
    this.handlers.set(kind, { handler, retry: { ...defaultRetryPolicy, ...retry } });
  }

  async schedule(job: ScheduledJob): Promise<void> {
    if (!job.kind.trim()) throw new AppError('invalid', 'A job needs a kind', { field: 'kind' });
    if (!job.key.trim() || job.key.length > 300) {
      throw new AppError('invalid', 'A job key must be 1 to 300 characters', { field: 'key' });
    }
    if (Number.isNaN(job.runAt.getTime())) {
      throw new AppError('invalid', 'A job needs a valid run time', { field: 'runAt' });
    }
    await this.deps.repository.upsert({ id: newId(), ...job }, this.deps.clock.now());
    if (job.runAt.getTime() <= this.deps.clock.now().getTime()) this.wake();
  }

  async cancel(organizationId: string, key: string): Promise<void> {
    await this.deps.repository.deleteUnfinished(organizationId, key);
  }

  /** Runs every due job once (retries wait for their time). Returns how many ran. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (let round = 0; round < maxRoundsPerRun; round++) {
      const now = this.deps.clock.now();
      const claimed = await this.deps.repository.claimDue(
        now,
        newId(),
        new Date(now.getTime() + this.leaseMs),
        this.batchSize,
      );
      if (claimed.length === 0) break;
      await Promise.all(claimed.map((job) => this.runClaimed(job)));
      ran += claimed.length;
    }
    await this.purgeFinishedJobs();
    return ran;
  }

  /** Runs due jobs every `intervalMs`, and soon after a job is scheduled for now. */
  start(intervalMs = 2_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops the timer and waits for a run in progress, so the database can close after. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.wakeRequested = false;
    while (this.inFlight) await this.inFlight.catch(() => 0);
  }

  private wake(): void {
    if (!this.timer) return;
    if (this.inFlight) this.wakeRequested = true;
    else setImmediate(() => this.tick());
  }

  private tick(): void {
    if (this.inFlight || !this.timer) return;
    this.inFlight = this.runDue()
      .catch((error: unknown) => {
        this.logger.error({ err: errorMessage(error) }, 'running scheduled jobs failed');
        return 0;
      })
      .finally(() => {
        this.inFlight = undefined;
        if (this.wakeRequested && this.timer) {
          this.wakeRequested = false;
          setImmediate(() => this.tick());
        }
      });
  }

  private async runClaimed(row: ScheduledJobRow): Promise<void> {
    const { repository, clock } = this.deps;
    const log = { jobId: row.id, kind: row.kind, organizationId: row.organizationId };
    const registered = this.handlers.get(row.kind);
    if (!registered) {
      const error = `No handler is registered for ${row.kind} jobs`;
      this.logger.error(log, error);
      await repository.settle(row, { status: 'failed', error }, clock.now());
      return;
    }
    const { handler, retry } = registered;
    if (row.attempts > retry.maxAttempts) {
      // Claimed again after its process stopped mid-run more times than it may be retried.
      const error = `Gave up after ${retry.maxAttempts} attempts (the last ones did not finish)`;
      this.logger.error(log, error);
      await repository.settle(row, { status: 'failed', error }, clock.now());
      return;
    }
    try {
      const job: RunningJob = {
        id: row.id,
        organizationId: row.organizationId,
        kind: row.kind,
        key: row.key,
        runAt: row.runAt,
        payload: row.payload,
        attempt: row.attempts,
      };
      await handler(job);
      await repository.settle(row, { status: 'done' }, clock.now());
    } catch (caught) {
      const error = errorMessage(caught);
      if (row.attempts >= retry.maxAttempts) {
        this.logger.error({ ...log, attempts: row.attempts, err: error }, 'scheduled job failed');
        await repository.settle(row, { status: 'failed', error }, clock.now());
        return;
      }
      const runAt = new Date(clock.now().getTime() + retryDelayMs(row.attempts, retry));
      this.logger.warn(
        { ...log, attempt: row.attempts, retryAt: runAt.toISOString(), err: error },
        'scheduled job failed; retrying',
      );
      await repository.settle(row, { status: 'pending', runAt, error }, clock.now());
    }
  }

  private async purgeFinishedJobs(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (now - this.lastPurgeAt < purgeEveryMs) return;
    this.lastPurgeAt = now;
    await this.deps.repository.purgeFinished(
      new Date(now - keepDoneMs),
      new Date(now - keepFailedMs),
    );
  }
}
