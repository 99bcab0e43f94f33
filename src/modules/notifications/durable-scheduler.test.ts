import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../db/database.js';
import { ManualClock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { DurableScheduler, type RunningJob } from './durable-scheduler.js';
import { ScheduledJobsRepository } from './scheduled-jobs.repository.js';

async function openMigrated(dataDir?: string): Promise<DatabaseHandle> {
  const database = await openDatabase({ dataDir });
  await migrateToLatest(database.db);
  return database;
}

async function insertOrganization(database: DatabaseHandle): Promise<string> {
  const id = newId();
  await database.db
    .insertInto('organizations')
    .values({ id, name: 'Acme', slug: `acme-${id.slice(0, 8)}`, timezone: 'UTC' })
    .execute();
  return id;
}

describe('the durable scheduler', () => {
  let database: DatabaseHandle;
  let organizationId: string;
  let clock: ManualClock;
  let scheduler: DurableScheduler;
  let ran: RunningJob[];

  beforeAll(async () => {
    database = await openMigrated();
  });
  afterAll(async () => {
    await database.close();
  });

  beforeEach(async () => {
    organizationId = await insertOrganization(database);
    clock = new ManualClock('2026-03-01T09:00:00Z');
    scheduler = new DurableScheduler({
      repository: new ScheduledJobsRepository(database.db),
      clock,
    });
    ran = [];
    scheduler.handle('test.remind', async (job) => {
      ran.push(job as RunningJob);
    });
  });

  const remindAt = (runAt: string, key = 'reminder:1', payload = {}) =>
    scheduler.schedule({
      organizationId,
      kind: 'test.remind',
      key,
      runAt: new Date(runAt),
      payload,
    });

  const statusOf = async (key: string) =>
    (await new ScheduledJobsRepository(database.db).find(organizationId, key))?.status;

  it('runs nothing before the run time and the job once it has come', async () => {
    await remindAt('2026-03-01T10:00:00Z', 'reminder:1', { documentId: 'd1' });
    clock.set('2026-03-01T09:59:59Z');
    expect(await scheduler.runDue()).toBe(0);
    expect(ran).toEqual([]);

    clock.set('2026-03-01T10:00:00Z');
    expect(await scheduler.runDue()).toBe(1);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({
      organizationId,
      kind: 'test.remind',
      key: 'reminder:1',
      payload: { documentId: 'd1' },
      attempt: 1,
    });
    expect(await statusOf('reminder:1')).toBe('done');

    clock.advance(60_000);
    expect(await scheduler.runDue()).toBe(0);
    expect(ran).toHaveLength(1);
  });

  it('moves a pending job when the same key is scheduled again', async () => {
    await remindAt('2026-03-01T10:00:00Z', 'reminder:1', { round: 1 });
    await remindAt('2026-03-01T12:00:00Z', 'reminder:1', { round: 2 });
    clock.set('2026-03-01T11:00:00Z');
    expect(await scheduler.runDue()).toBe(0);
    clock.set('2026-03-01T12:00:00Z');
    await scheduler.runDue();
    expect(ran.map((job) => job.payload)).toEqual([{ round: 2 }]);
  });

  it('runs a finished key again when it is scheduled again', async () => {
    await remindAt('2026-03-01T09:00:00Z');
    await scheduler.runDue();
    await remindAt('2026-03-02T09:00:00Z');
    clock.set('2026-03-02T09:00:00Z');
    await scheduler.runDue();
    expect(ran).toHaveLength(2);
  });

  it('keeps each organisation’s keys apart', async () => {
    const other = await insertOrganization(database);
    await remindAt('2026-03-01T09:00:00Z', 'reminder:1');
    await scheduler.schedule({
      organizationId: other,
      kind: 'test.remind',
      key: 'reminder:1',
      runAt: new Date('2026-03-01T09:00:00Z'),
      payload: {},
    });
    await scheduler.runDue();
    expect(ran.map((job) => job.organizationId).sort()).toEqual([organizationId, other].sort());
  });

  it('drops a cancelled job, and cancelling nothing is a no-op', async () => {
    await remindAt('2026-03-01T10:00:00Z');
    await scheduler.cancel(organizationId, 'reminder:1');
    await scheduler.cancel(organizationId, 'no-such-key');
    clock.set('2026-03-02T00:00:00Z');
    expect(await scheduler.runDue()).toBe(0);
    expect(ran).toEqual([]);
  });

  it('does not let another organisation cancel a job', async () => {
    const other = await insertOrganization(database);
    await remindAt('2026-03-01T09:00:00Z');
    await scheduler.cancel(other, 'reminder:1');
    await scheduler.runDue();
    expect(ran).toHaveLength(1);
  });

  it('retries a failing job with doubling waits, then marks it failed', async () => {
    const attempts: Array<{ attempt: number; at: string }> = [];
    scheduler.handle(
      'test.flaky',
      async (job) => {
        attempts.push({ attempt: (job as RunningJob).attempt, at: clock.now().toISOString() });
        throw new Error('the endpoint is down');
      },
      { maxAttempts: 3, backoffMs: 60_000 },
    );
    await scheduler.schedule({
      organizationId,
      kind: 'test.flaky',
      key: 'flaky',
      runAt: clock.now(),
      payload: {},
    });
    await scheduler.runDue();
    clock.advance(59_999);
    await scheduler.runDue();
    clock.advance(1);
    await scheduler.runDue();
    clock.advance(120_000);
    await scheduler.runDue();
    clock.advance(24 * 60 * 60_000);
    await scheduler.runDue();

    expect(attempts).toEqual([
      { attempt: 1, at: '2026-03-01T09:00:00.000Z' },
      { attempt: 2, at: '2026-03-01T09:01:00.000Z' },
      { attempt: 3, at: '2026-03-01T09:03:00.000Z' },
    ]);
    const row = await new ScheduledJobsRepository(database.db).find(organizationId, 'flaky');
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastError: 'the endpoint is down' });
  });

  it('succeeds on a retry after a failure', async () => {
    let calls = 0;
    scheduler.handle('test.once-flaky', async () => {
      calls += 1;
      if (calls === 1) throw new Error('timeout');
    });
    await scheduler.schedule({
      organizationId,
      kind: 'test.once-flaky',
      key: 'once',
      runAt: clock.now(),
      payload: {},
    });
    await scheduler.runDue();
    expect(await statusOf('once')).toBe('pending');
    clock.advance(30_000);
    await scheduler.runDue();
    expect(calls).toBe(2);
    expect(await statusOf('once')).toBe('done');
  });

  it('marks a job of a kind nobody handles failed, saying so', async () => {
    await scheduler.schedule({
      organizationId,
      kind: 'test.unknown',
      key: 'unknown',
      runAt: clock.now(),
      payload: {},
    });
    expect(await scheduler.runDue()).toBe(1);
    const row = await new ScheduledJobsRepository(database.db).find(organizationId, 'unknown');
    expect(row).toMatchObject({
      status: 'failed',
      lastError: 'No handler is registered for test.unknown jobs',
    });
  });

  it('keeps a job rescheduled while it runs for its new time', async () => {
    let releaseRun: () => void = () => {};
    const runs: unknown[] = [];
    scheduler.handle('test.slow', async (job) => {
      runs.push(job.payload);
      if (runs.length === 1) await new Promise<void>((resolve) => (releaseRun = resolve));
    });
    const slowAt = (runAt: Date, round: number) =>
      scheduler.schedule({
        organizationId,
        kind: 'test.slow',
        key: 'slow',
        runAt,
        payload: { round },
      });
    await slowAt(clock.now(), 1);
    const running = scheduler.runDue();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await slowAt(new Date('2026-03-01T10:00:00Z'), 2);
    releaseRun();
    await running;
    expect(await statusOf('slow')).toBe('pending');
    clock.set('2026-03-01T10:00:00Z');
    await scheduler.runDue();
    expect(runs).toEqual([{ round: 1 }, { round: 2 }]);
    expect(await statusOf('slow')).toBe('done');
  });

  it('claims a job again when the process running it stopped before finishing', async () => {
    const repository = new ScheduledJobsRepository(database.db);
    await remindAt('2026-03-01T09:00:00Z', 'orphan');
    // Another process claimed it, then died: its lease is all that is left.
    await repository.claimDue(clock.now(), newId(), new Date(clock.now().getTime() + 60_000), 10);
    expect(await scheduler.runDue()).toBe(0);
    clock.advance(60_000);
    expect(await scheduler.runDue()).toBe(1);
    expect(ran.map((job) => [job.key, job.attempt])).toEqual([['orphan', 2]]);
  });

  it('runs each due job once when several schedulers run at the same moment', async () => {
    const runs: string[] = [];
    const peers = [1, 2, 3].map(() => {
      const peer = new DurableScheduler({
        repository: new ScheduledJobsRepository(database.db),
        clock,
        batchSize: 2,
      });
      peer.handle('test.count', async (job) => {
        runs.push(job.key);
      });
      return peer;
    });
    for (let index = 0; index < 12; index++) {
      await scheduler.schedule({
        organizationId,
        kind: 'test.count',
        key: `count:${index}`,
        runAt: clock.now(),
        payload: {},
      });
    }
    const counts = await Promise.all(peers.map((peer) => peer.runDue()));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(12);
    expect(runs.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `count:${i}`).sort());
  });

  it('refuses a job without a key', async () => {
    await expect(remindAt('2026-03-01T10:00:00Z', ' ')).rejects.toMatchObject({ code: 'invalid' });
  });

  describe('started on a timer', () => {
    afterEach(async () => {
      await scheduler.stop();
    });

    it('runs a job scheduled for now without waiting for the next tick', async () => {
      scheduler.start(60_000);
      await remindAt(clock.now().toISOString(), 'soon');
      for (let wait = 0; wait < 100 && ran.length === 0; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(ran.map((job) => job.key)).toEqual(['soon']);
    });

    it('waits for the run in progress when stopped', async () => {
      let finished = false;
      scheduler.handle('test.stop', async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished = true;
      });
      await scheduler.schedule({
        organizationId,
        kind: 'test.stop',
        key: 'stop',
        runAt: clock.now(),
        payload: {},
      });
      scheduler.start(60_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await scheduler.stop();
      expect(finished).toBe(true);
      expect(await statusOf('stop')).toBe('done');
    });
  });
});

describe('the durable scheduler across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mydrop-scheduler-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs a job scheduled before the restart once it is due', async () => {
    const clock = new ManualClock('2026-03-01T09:00:00Z');
    const before = await openMigrated(dataDir);
    const organizationId = await insertOrganization(before);
    const first = new DurableScheduler({
      repository: new ScheduledJobsRepository(before.db),
      clock,
    });
    await first.schedule({
      organizationId,
      kind: 'test.remind',
      key: 'after-restart',
      runAt: new Date('2026-03-01T10:00:00Z'),
      payload: { note: 'kept' },
    });
    await before.close();

    clock.set('2026-03-01T11:00:00Z');
    const after = await openMigrated(dataDir);
    try {
      const second = new DurableScheduler({
        repository: new ScheduledJobsRepository(after.db),
        clock,
      });
      const ran: unknown[] = [];
      second.handle('test.remind', async (job) => {
        ran.push(job.payload);
      });
      expect(await second.runDue()).toBe(1);
      expect(ran).toEqual([{ note: 'kept' }]);
    } finally {
      await after.close();
    }
  });
});
