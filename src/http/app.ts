import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { approvalsRoutes } from '../modules/approvals/index.js';
import { auditRoutes } from '../modules/audit/index.js';
import { benchmarksRoutes } from '../modules/benchmarks/index.js';
import { catalogRoutes } from '../modules/catalog/index.js';
import {
  offersRoutes,
  ordersRoutes,
  shopperRoutes,
  stripeWebhookRoutes,
} from '../modules/drops/index.js';
import { fulfilmentRoutes } from '../modules/fulfilment/index.js';
import { notificationsRoutes, webhooksRoutes } from '../modules/notifications/index.js';
import { organizationsRoutes } from '../modules/organizations/index.js';
import { showGateRoutes, showsRoutes } from '../modules/shows/index.js';
import { storefrontRoutes } from '../modules/storefront/index.js';
import { tokensRoutes } from '../modules/tokens/index.js';
import type { Services } from '../services.js';
import { accountRoutes } from '../workflows/account.routes.js';
import { Authenticator } from './authenticate.js';
import { registerConsole } from './console-assets.js';
import { DirectRoutes } from './direct-routes.js';
import { installErrorHandling } from './error-handler.js';
import { parseJsonBody } from './json-body.js';
import { registerOpenApi } from './openapi.js';
import type { Routes } from './route-context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The routes answered ahead of Fastify's pipeline (`served` counts their answers). */
    directRoutes: DirectRoutes;
  }
}

export interface AppOptions {
  services: Services;
  logger: Logger;
  baseUrl: string;
  trustProxy: boolean;
  /** Throws when the database (or Redis, when offers are shared) does not answer; backs /readyz. */
  pingDatabase(): Promise<void>;
  /** DatabaseHandle.collectAnswers: called between the answers of the direct routes. */
  collectDatabaseAnswers?: (() => void) | undefined;
  version: string;
  consoleDistDir?: string;
}

const routeModules: Routes[] = [
  accountRoutes,
  organizationsRoutes,
  tokensRoutes,
  catalogRoutes,
  offersRoutes,
  shopperRoutes,
  ordersRoutes,
  stripeWebhookRoutes,
  fulfilmentRoutes,
  approvalsRoutes,
  notificationsRoutes,
  webhooksRoutes,
  auditRoutes,
  showsRoutes,
  showGateRoutes,
  storefrontRoutes,
  benchmarksRoutes,
];

/**
 * While the server drains on shutdown, answers to requests in flight carry
 * `Connection: close`, so keep-alive clients do not hold the process open until their idle
 * timeout.
 */
function closeConnectionsWhenDraining(app: FastifyInstance, direct: DirectRoutes): void {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
    direct.drain();
  });
  // A callback hook: an async one would cost every response a promise.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
}

const bodyLimit = 1024 * 1024;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const direct = new DirectRoutes(options.logger, {
    bodyLimit,
    afterAnswer: options.collectDatabaseAnswers,
  });
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    trustProxy: options.trustProxy,
    bodyLimit,
    // Keep-alive sockets are closed on shutdown; requests in flight still finish.
    forceCloseConnections: 'idle',
    serverFactory: direct.serverFactory(),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // The direct routes read bodies with the same parser.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.decorate('directRoutes', direct);
  installErrorHandling(app);
  closeConnectionsWhenDraining(app, direct);
  await app.register(cookie);
  await registerOpenApi(app, options.version);

  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'The process is up' } },
    async () => ({
      status: 'ok',
    }),
  );
  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'The database answers' } },
    async (request, reply) => {
      try {
        await options.pingDatabase();
        return { status: 'ready' };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return reply.status(503).send({
          error: { code: 'unavailable', message: 'The database does not answer', details: {} },
        });
      }
    },
  );

  const context = {
    services: options.services,
    auth: new Authenticator(options.services),
    baseUrl: options.baseUrl,
    direct,
  };
  for (const register of routeModules) register(app, context);
  await registerConsole(app, options.consoleDistDir);
  return app;
}
