import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { systemClock } from '../../src/lib/clock.js';
import { AuditRepository, AuditService } from '../../src/modules/audit/index.js';
import { createServices } from '../../src/services.js';
import { backends } from '../support/backends.js';
import { createTemporaryDatabase } from '../support/postgres.js';
import { testSecret } from '../support/test-app.js';

/**
 * Appends are serialised per organisation by locking its head row. On PostgreSQL each writer
 * here has a connection pool of its own, as separate processes sharing one database would.
 */
describe.each(backends)('the audit chain under concurrent writers on $longName', (backend) => {
  const writers = backend.server ? 3 : 1;
  const recordsPerWriter = 40;
  const handles: DatabaseHandle[] = [];
  let temporary: Awaited<ReturnType<typeof createTemporaryDatabase>> | undefined;
  let organizationIds: string[] = [];

  beforeAll(async () => {
    if (backend.skip) return;
    if (backend.server) temporary = await createTemporaryDatabase();
    for (let index = 0; index < writers; index += 1) {
      handles.push(await openDatabase({ databaseUrl: temporary?.url }));
    }
    const first = handles[0] as DatabaseHandle;
    await migrateToLatest(first.db);
    const services = createServices({ db: first.db, clock: systemClock, secret: testSecret });
    const owner = await services.identity.createUser({
      email: 'owner@chain.test',
      name: 'Chain Owner',
      password: 'correct horse battery',
    });
    organizationIds = [];
    for (const name of ['Chain One', 'Chain Two']) {
      const organization = await services.organizations.createOrganization({
        name,
        ownerUserId: owner.id,
      });
      organizationIds.push(organization.id);
    }
  });

  afterAll(async () => {
    for (const handle of handles) await handle.close();
    await temporary?.drop();
  });

  it.skipIf(backend.skip)(
    'keeps one unbroken chain per organisation when records race',
    async () => {
      const services = handles.map(
        (handle) =>
          new AuditService({
            repository: new AuditRepository(handle.db),
            clock: systemClock,
            nameActor: async () => null,
          }),
      );
      const records = services.flatMap((audit, writer) =>
        Array.from({ length: recordsPerWriter }, (_, index) =>
          audit.record({
            organizationId: organizationIds[index % 2] as string,
            actor: null,
            action: 'test.raced',
            subjectType: 'writer',
            subjectId: String(writer),
            data: { index },
          }),
        ),
      );
      await Promise.all(records);

      const audit = services[0] as AuditService;
      const total = writers * recordsPerWriter;
      for (const organizationId of organizationIds) {
        // Each organisation started with its owner's member.added entry.
        expect(await audit.verify(organizationId)).toEqual({ ok: true, entries: 1 + total / 2 });
      }
    },
  );
});
