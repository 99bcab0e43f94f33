import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addSignedInMember,
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

const fixture = readFileSync(new URL('../fixtures/drop-bench-runs.json', import.meta.url), 'utf8');
const recorded = JSON.parse(fixture) as { runs: Array<{ ranAt: string; rows: unknown[] }> };

describe('the drop benchmark runs API', () => {
  let folder: string;
  let resultsFile: string;
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'mydrop-bench-runs-'));
    resultsFile = join(folder, 'drop-runs.json');
    context = await createTestContext({ dropBenchResults: resultsFile });
    acme = await seedOrganization(context, 'Acme');
  });
  afterAll(async () => {
    await context.close();
    rmSync(folder, { recursive: true, force: true });
  });
  beforeEach(() => rmSync(resultsFile, { force: true }));

  const listRuns = async (cookie = acme.ownerCookie) => {
    const response = await context.app.inject({
      url: '/api/v1/benchmarks/drop',
      headers: { cookie },
    });
    expect(response.statusCode).toBe(200);
    return response.json() as { runs: Array<{ ranAt: string; rows: unknown[] }> };
  };

  it('answers the recorded runs newest first, with every row, to any member', async () => {
    writeFileSync(resultsFile, fixture);
    const viewer = await addSignedInMember(context, acme.organizationId, 'host@acme.test', 'host');

    const { runs } = await listRuns(viewer.cookie);

    expect(runs.map((run) => run.ranAt)).toEqual([
      '2026-12-01T19:46:07.412Z',
      '2026-12-01T19:40:12.908Z',
    ]);
    expect(runs[0]).toEqual(recorded.runs[1]);
    expect(runs[1]?.rows).toHaveLength(23);
  });

  it('refuses a caller who is not signed in', async () => {
    writeFileSync(resultsFile, fixture);
    const response = await context.app.inject({ url: '/api/v1/benchmarks/drop' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthenticated');
  });

  it('answers no runs while the benchmark has recorded none', async () => {
    expect(await listRuns()).toEqual({ runs: [] });
  });

  it('leaves out a run that does not match the record format and keeps the others', async () => {
    const [older, newer] = recorded.runs;
    const broken = { ...newer, ranAt: '2026-12-02T08:00:00.000Z', rows: [{ key: 'noop' }] };
    writeFileSync(resultsFile, JSON.stringify({ runs: [older, broken, newer] }));

    const { runs } = await listRuns();

    expect(runs.map((run) => run.ranAt)).toEqual([
      '2026-12-01T19:46:07.412Z',
      '2026-12-01T19:40:12.908Z',
    ]);
  });

  it('answers no runs, not an error, for a file that is not the results file', async () => {
    writeFileSync(resultsFile, '{"runs": [');
    expect(await listRuns()).toEqual({ runs: [] });
    writeFileSync(resultsFile, '[1, 2, 3]');
    expect(await listRuns()).toEqual({ runs: [] });
  });

  it('is documented in the OpenAPI document with its response schema', async () => {
    const document = (await context.app.inject({ url: '/api/openapi.json' })).json();
    const route = document.paths['/api/v1/benchmarks/drop'].get;
    expect(route.tags).toEqual(['benchmarks']);
    expect(Object.keys(document.components.schemas)).toContain('DropBenchRun');
  });
});
