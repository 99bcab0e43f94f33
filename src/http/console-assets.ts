import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../lib/errors.js';
import { errorBody } from './error-handler.js';

export const consoleDistDir = join(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/**
 * Serves the built React console and falls back to its index.html for client-side routes.
 * API paths never fall back: an unknown API path is a JSON 404.
 */
export async function registerConsole(
  app: FastifyInstance,
  distDir = consoleDistDir,
): Promise<void> {
  const built = existsSync(join(distDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root: distDir, wildcard: false, index: false });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const wantsPage = request.method === 'GET' && !path.startsWith('/api') && !/\.\w+$/.test(path);
    if (!wantsPage) {
      const error = new AppError('not_found', `No route ${request.method} ${path}`);
      return reply.status(404).send(errorBody(error));
    }
    if (!built) {
      return reply
        .status(503)
        .type('text/html')
        .send(
          '<h1>Mydrop</h1><p>The console is not built yet: run <code>npm run build</code>.</p>',
        );
    }
    return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
  });
}
