import type { DropBenchRun } from './drop-record.js';
import type { DropRunsRepository } from './drop-runs.repository.js';

/**
 * Recorded benchmark runs, for the console's Benchmarks page. They describe the software on
 * the machine it was measured on, not an organisation's data: every member reads the same runs.
 */
export class BenchmarksService {
  constructor(private readonly deps: { dropRuns: DropRunsRepository }) {}

  /** Newest first, by when each run started; runs that started together keep file order reversed. */
  async listDropRuns(): Promise<DropBenchRun[]> {
    const runs = await this.deps.dropRuns.listRuns();
    return runs
      .map((run, index) => ({ run, index, at: Date.parse(run.ranAt) }))
      .sort((a, b) => b.at - a.at || b.index - a.index)
      .map(({ run }) => run);
  }
}
