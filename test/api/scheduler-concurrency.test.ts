import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { ManualClock } from '../../src/lib/clock.js';
import { newId } from '../../src/lib/ids.js';
import {
  DurableScheduler,
  ScheduledJobsRepository,
} from '../../src/modules/notifications/index.js';
import { createTemporaryDatabase, skipWithoutPostgres } from '../support/postgres.js';

const skip = await skipWithoutPostgres();

/**
 * Several server processes share one PostgreSQL: each has its own connection pool and its
 * own scheduler, and every due job must still run exactly once.
 */
describe.skipIf(skip)('the scheduler on PostgreSQL with several processes', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryDatabase>>;
  const handles: DatabaseHandle[] = [];
  const firstHandle = () => {
    const [handle] = handles;
    if (!handle) throw new Error('no database handle');
    return handle;
  };

  beforeAll(async () => {
    temporary = await createTemporaryDatabase();
    for (let index = 0; index < 3; index++) {
      handles.push(await openDatabase({ databaseUrl: temporary.url }));
    }
    await migrateToLatest(firstHandle().db);
  });
  afterAll(async () => {
    for (const handle of handles) await handle.close();
    await temporary?.drop();
  });

  it('runs each due job once while three processes claim at the same time', async () => {
    const clock = new ManualClock('2026-03-01T09:00:00Z');
    const organizationId = newId();
    const first = firstHandle();
    await first.db
      .insertInto('organizations')
      .values({ id: organizationId, name: 'Acme', slug: 'acme', timezone: 'UTC' })
      .execute();
    const runs: string[] = [];
    const schedulers = handles.map((handle) => {
      const peer = new DurableScheduler({
        repository: new ScheduledJobsRepository(handle.db),
        clock,
        batchSize: 3,
      });
      peer.handle('test.count', async (job) => {
        // Hold the claim a moment so the processes really overlap.
        await new Promise((resolve) => setTimeout(resolve, 5));
        runs.push(job.key);
      });
      return peer;
    });
    const [scheduler] = schedulers;
    if (!scheduler) throw new Error('no scheduler');
    const keys = Array.from({ length: 60 }, (_, index) => `job:${index}`);
    for (const key of keys) {
      await scheduler.schedule({
        organizationId,
        kind: 'test.count',
        key,
        runAt: clock.now(),
        payload: {},
      });
    }

    const counts = await Promise.all(schedulers.map((peer) => peer.runDue()));

    expect(runs.sort()).toEqual([...keys].sort());
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(60);
    expect(counts.filter((count) => count > 0).length).toBeGreaterThan(1);
    const statuses = await first.db
      .selectFrom('scheduledJobs')
      .select('status')
      .where('organizationId', '=', organizationId)
      .execute();
    expect(statuses.every((row) => row.status === 'done')).toBe(true);
  });
});
