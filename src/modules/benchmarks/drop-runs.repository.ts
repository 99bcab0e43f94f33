import { readFile, stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type DropBenchRun, dropBenchRunSchema } from './drop-record.js';

/** The file as far as it must hold for its runs to be read one by one. */
const runsFileSchema = z.object({ runs: z.array(z.unknown()) });

interface ReadFile {
  /** mtime and size: the benchmark rewrites the file whole, so either changes with it. */
  version: string;
  runs: DropBenchRun[];
}

/**
 * Reads the drop benchmark's results file (written by `npm run bench:drop`, newest run last).
 * A missing file is no runs; a run that does not match the record format is skipped with a
 * warning, so one bad run (or a file caught half written) never hides the others or fails the
 * page. The parse is kept until the file changes, which also logs each problem once.
 */
export class DropRunsRepository {
  private cached: ReadFile | undefined;

  constructor(
    private readonly deps: {
      /** Null when no results file is configured. */
      path: string | null;
      logger?: Logger | undefined;
    },
  ) {}

  async listRuns(): Promise<DropBenchRun[]> {
    const { path } = this.deps;
    if (path === null) return [];
    let version: string;
    try {
      const stats = await stat(path);
      version = `${stats.mtimeMs}:${stats.size}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.warn(path, [describe(error)]);
      this.cached = undefined;
      return [];
    }
    if (this.cached?.version === version) return this.cached.runs;
    const runs = await this.readRuns(path);
    this.cached = { version, runs };
    return runs;
  }

  private async readRuns(path: string): Promise<DropBenchRun[]> {
    let content: unknown;
    try {
      content = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      this.warn(path, [describe(error)]);
      return [];
    }
    const file = runsFileSchema.safeParse(content);
    if (!file.success) {
      this.warn(path, ['the file is not {"runs": [...]}']);
      return [];
    }
    const runs: DropBenchRun[] = [];
    const problems: string[] = [];
    for (const [index, candidate] of file.data.runs.entries()) {
      const run = dropBenchRunSchema.safeParse(candidate);
      if (run.success) runs.push(run.data);
      else problems.push(`run ${index}: ${z.prettifyError(run.error).replace(/\n/g, '; ')}`);
    }
    if (problems.length > 0) this.warn(path, problems);
    return runs;
  }

  private warn(path: string, problems: string[]): void {
    this.deps.logger?.warn({ path, problems }, 'skipped unreadable drop benchmark runs');
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
