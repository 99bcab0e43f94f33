import { z } from 'zod';
import { commonErrors, type Routes, secured, typed } from '../../http/route-context.js';
import { dropBenchRunSchema } from './drop-record.js';

export const benchmarksRoutes: Routes = (app, { services, auth }) => {
  const api = typed(app);
  const { benchmarks } = services;

  api.get(
    '/api/v1/benchmarks/drop',
    {
      schema: {
        tags: ['benchmarks'],
        summary: 'Recorded runs of the drop benchmark (npm run bench:drop), newest first',
        description:
          'Each run: the machine, one row of figures per scenario and drop, and the targets met or missed. No file yet answers no runs; a recorded run that does not match the format is left out (and logged).',
        security: secured,
        response: { 200: z.object({ runs: z.array(dropBenchRunSchema) }), ...commonErrors },
      },
    },
    async (request) => {
      await auth.requireActor(request);
      return { runs: await benchmarks.listDropRuns() };
    },
  );
};
