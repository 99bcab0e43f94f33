export { benchmarksRoutes } from './benchmarks.routes.js';
export { BenchmarksService } from './benchmarks.service.js';
export {
  type DropBenchRow,
  type DropBenchRun,
  type DropBenchRuns,
  dropBenchRowSchema,
  dropBenchRunSchema,
  dropBenchRunsSchema,
} from './drop-record.js';
export { DropRunsRepository } from './drop-runs.repository.js';
