import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { dropBenchRunSchema } from './drop-record.js';
import { DropRunsRepository } from './drop-runs.repository.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/drop-bench-runs.json', import.meta.url), 'utf8'),
) as { runs: Array<Record<string, unknown> & { rows: Array<Record<string, unknown>> }> };
const [older, newer] = fixture.runs as [(typeof fixture.runs)[0], (typeof fixture.runs)[0]];

describe('the drop benchmark record format', () => {
  it('accepts the runs the benchmark records', () => {
    for (const run of fixture.runs) expect(dropBenchRunSchema.safeParse(run).success).toBe(true);
  });

  it.each([
    ['a negative rate', { decisionsPerSecond: -1 }],
    ['a rate written as text', { decisionsPerSecond: '13,895' }],
    ['a fraction of a unit oversold', { oversold: 0.5 }],
    ['an unknown role', { role: 'competitor' }],
    ['a missing figure (null must be written out)', { p99Ms: undefined }],
  ])('refuses a row with %s', (_, change) => {
    const row = { ...newer.rows[0], ...change };
    expect(dropBenchRunSchema.safeParse({ ...newer, rows: [row] }).success).toBe(false);
  });

  it('refuses a run of another version or without a time zone on its date', () => {
    expect(dropBenchRunSchema.safeParse({ ...newer, version: 2 }).success).toBe(false);
    expect(dropBenchRunSchema.safeParse({ ...newer, ranAt: '2026-12-01 19:46' }).success).toBe(
      false,
    );
  });
});

describe('DropRunsRepository', () => {
  let folder: string;
  let path: string;
  let logLines: string[];
  let repository: DropRunsRepository;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'mydrop-drop-runs-'));
    path = join(folder, 'drop-runs.json');
    logLines = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    repository = new DropRunsRepository({ path, logger: createLogger('warn', sink) });
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('reads no runs, and warns of nothing, while the file does not exist', async () => {
    expect(await repository.listRuns()).toEqual([]);
    expect(logLines).toEqual([]);
  });

  it('skips a run that does not match the format, warning once until the file changes', async () => {
    writeFileSync(path, JSON.stringify({ runs: [older, { ...newer, lanes: 0 }] }));

    expect((await repository.listRuns()).map((run) => run.ranAt)).toEqual([older.ranAt]);
    expect(await repository.listRuns()).toHaveLength(1);

    expect(logLines).toHaveLength(1);
    const warning = JSON.parse(logLines[0] ?? '{}');
    expect(warning.msg).toBe('skipped unreadable drop benchmark runs');
    expect(warning.problems).toEqual([expect.stringMatching(/^run 1: .*lanes/)]);

    writeFileSync(path, JSON.stringify({ runs: [older, newer] }));
    expect(await repository.listRuns()).toHaveLength(2);
  });

  it('reads no runs from a file caught half written, and says so', async () => {
    writeFileSync(path, JSON.stringify({ runs: [older, newer] }).slice(0, 500));
    expect(await repository.listRuns()).toEqual([]);
    expect(logLines).toHaveLength(1);
  });
});
