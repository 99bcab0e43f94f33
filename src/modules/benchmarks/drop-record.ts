import { z } from 'zod';

/**
 * The record of one `npm run bench:drop` run, as the benchmark appends it to its results file
 * and the console charts it. The figures are those of the printed table (bench/report.ts);
 * a figure a scenario did not produce (skipped, or not meaningful for a ceiling) is null.
 * `version` changes when a field changes meaning, so an old reader skips a run it would misread.
 */

// zod's number() already refuses NaN and the infinities: a figure is always a real measurement.
const figure = z.number().nonnegative();
const count = z.number().int().nonnegative();

const dropSchema = z
  .object({
    id: z.string().min(1).meta({ description: 'What --drops matches, such as units-200' }),
    label: z.string().min(1).meta({ description: 'As printed: 200 units, 1 unit, 3-SKU bundle' }),
    units: z.number().int().positive(),
    components: z.number().int().positive().meta({ description: 'SKUs per unit sold' }),
  })
  .meta({ id: 'DropBenchDrop' });

export const dropBenchRowSchema = z
  .object({
    key: z.string().min(1).meta({ description: 'The scenario, as --only names it' }),
    name: z.string().min(1),
    role: z.enum(['ceiling', 'mydrop', 'baseline']),
    ceiling: z
      .enum(['in-process', 'http'])
      .nullable()
      .meta({ description: 'Which ceiling the row is divided by; null for the baselines' }),
    drop: dropSchema.nullable(),
    holdTtlSeconds: z.number().positive().nullable(),
    decisionsPerSecond: figure.nullable(),
    p50Ms: figure.nullable(),
    p99Ms: figure.nullable(),
    winnersP99Ms: figure.nullable(),
    sellOutMs: figure.nullable(),
    oversold: count.nullable().meta({ description: 'Units sold or held beyond the reserve' }),
    vsCeiling: figure.nullable(),
    vsBestBaseline: figure.nullable(),
    note: z.string().nullable().meta({ description: 'Why a figure is missing, or what to know' }),
  })
  .meta({ id: 'DropBenchRow' });

const machineSchema = z
  .object({
    cpu: z.string().min(1),
    cores: z.number().int().positive(),
    memoryGiB: figure,
    node: z.string().min(1),
    postgres: z.string().nullable().meta({ description: 'Server version; null when unreachable' }),
    loadAtStart: z.array(figure).max(3).meta({ description: 'Load average over 1, 5, 15 min' }),
  })
  .meta({ id: 'DropBenchMachine' });

const targetSchema = z
  .object({
    label: z.string().min(1),
    verdict: z.enum(['met', 'missed', 'not measured']),
    detail: z.string(),
  })
  .meta({ id: 'DropBenchTarget' });

export const dropBenchRunSchema = z
  .object({
    version: z.literal(1),
    ranAt: z.iso.datetime({ offset: true }).meta({ description: 'When the run started, ISO 8601' }),
    machine: machineSchema,
    shoppers: count.meta({ description: 'Shoppers per drop over HTTP and on PostgreSQL' }),
    inProcessShoppers: count,
    lanes: z.number().int().positive().meta({ description: 'Shoppers in flight at once' }),
    rows: z.array(dropBenchRowSchema),
    targets: z.array(targetSchema),
    decisionCorePerSecond: figure
      .nullable()
      .meta({ description: 'OfferBook.claim in a bare loop: no driver, no durability wait' }),
  })
  .meta({ id: 'DropBenchRun' });

/** The results file: every recorded run, newest last (the benchmark appends). */
export const dropBenchRunsSchema = z.object({ runs: z.array(dropBenchRunSchema) });

export type DropBenchRun = z.infer<typeof dropBenchRunSchema>;
export type DropBenchRow = z.infer<typeof dropBenchRowSchema>;
export type DropBenchRuns = z.infer<typeof dropBenchRunsSchema>;
