import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { runMydrop, temporaryDataDir } from '../support/server-process.js';

describe('mydrop audit verify', () => {
  it('exits 0 while the chain is intact and 1, naming the first bad entry, after a row is edited', async () => {
    const dataDir = temporaryDataDir();
    const env = { MYDROP_DATA_DIR: dataDir };
    for (const org of ['Initech', 'Hooli']) {
      const created = await runMydrop(
        [
          'user',
          'create',
          '--email',
          `ceo@${org.toLowerCase()}.test`,
          '--name',
          `${org} CEO`,
          '--password',
          'a long enough password',
          '--org',
          org,
        ],
        env,
      );
      expect(created.code).toBe(0);
    }
    // member.added for the owner, then token.created.
    expect((await runMydrop(['token', 'create', '--org', 'initech'], env)).code).toBe(0);

    const intact = await runMydrop(['audit', 'verify'], env);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('ok    hooli (Hooli): 1 entry, chain intact');
    expect(intact.stdout).toContain('ok    initech (Initech): 2 entries, chain intact');

    // Someone with database access rewrites who created the token.
    const database = await openDatabase({ dataDir });
    const edited = await sql<{ id: string }>`
      update audit_entries set actor_kind = 'user', actor_name = 'Somebody Else'
      where action = 'token.created' returning id`.execute(database.db);
    await database.close();
    const editedId = edited.rows[0]?.id;
    expect(editedId).toBeDefined();

    const tampered = await runMydrop(['audit', 'verify'], env);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('ok    hooli (Hooli)');
    expect(tampered.stdout).toContain(
      `FAIL  initech (Initech): first bad entry is #2 (entry ${editedId})`,
    );
    expect(tampered.stdout).toContain('[hash_mismatch]');
    expect(tampered.stderr).toContain('1 of 2 audit chains do not verify');

    const one = await runMydrop(['audit', 'verify', '--org', 'hooli'], env);
    expect(one.code).toBe(0);
    expect(one.stdout).not.toContain('initech');
    const unknown = await runMydrop(['audit', 'verify', '--org', 'nope'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No organisation with slug nope');
  }, 120_000);
});
