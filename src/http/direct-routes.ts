import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import type { Logger } from 'pino';
import { errorAnswer } from './error-handler.js';
import { parseJsonBody } from './json-body.js';

/** A request a direct route takes: what Fastify would have handed its route's handler. */
export interface DirectRequest {
  /** The groups the route's pattern captured from the URL, in order (undefined if absent). */
  params: readonly (string | undefined)[];
  headers: IncomingHttpHeaders;
  /** The body, parsed as JSON (undefined for a GET). */
  body: unknown;
}

export interface DirectAnswer {
  status: number;
  /** Serialised JSON. */
  body: string;
  headers?: Record<string, string> | undefined;
}

/** Answers a request, or throws (rejects) an error the API's error handling answers. */
export type DirectHandler = (request: DirectRequest) => DirectAnswer | Promise<DirectAnswer>;

interface DirectRoute {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle: DirectHandler;
}

function bodiless(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

/** Bodies larger than this go through Fastify: a direct route's body is a few hundred bytes. */
const directBodyLimit = 16 * 1024;
const jsonContentType = 'application/json; charset=utf-8';

/**
 * Routes answered straight from node:http, ahead of Fastify's request pipeline, for the few
 * requests a drop sends by the hundred thousand (the public claim, and the offer's live state
 * every viewer's page and overlay polls). Each is also registered
 * with Fastify, which documents it, serves `inject` and answers every request the direct route
 * declines without reading it: another method, content type or encoding, a body over 16 KiB
 * (any body on a GET),
 * a URL the pattern does not match, and everything while the server shuts down. What a direct
 * route answers is what its Fastify twin would: the same JSON parser (json-body.ts), the same
 * validation (`directValidator`) and the same error bodies (`errorAnswer`).
 *
 * Fastify's pipeline (request and reply objects, hooks, a child logger, the content-type
 * parser) was most of what Mydrop's claim cost beyond a bare node:http server answering the
 * same request (docs/benchmarks.md). Direct routes are not access-logged; their failures are.
 */
export class DirectRoutes {
  private readonly routes: DirectRoute[] = [];
  private readonly bodyLimit: number;
  private draining = false;
  /** Requests answered directly, for tests and diagnostics. */
  served = 0;

  private readonly afterAnswer: (() => void) | undefined;

  /**
   * `afterAnswer` runs after each answer is written: the app collects the database answers
   * that arrived meanwhile (DatabaseHandle.collectAnswers), so that in a flood of claims a
   * winner's durable hold is answered within a request or two, not after the hundreds of
   * requests the event loop reads before it looks at the database again.
   */
  constructor(
    private readonly logger: Logger,
    options: { bodyLimit: number; afterAnswer?: (() => void) | undefined },
  ) {
    this.bodyLimit = Math.min(options.bodyLimit, directBodyLimit);
    this.afterAnswer = options.afterAnswer;
  }

  /**
   * Answers POSTs whose URL (path and query) matches `pattern` and whose body is JSON. The
   * pattern must only match URLs Fastify routes to the route's twin.
   */
  post(pattern: RegExp, handle: DirectHandler): void {
    this.routes.push({ method: 'POST', pattern, handle });
  }

  /** Answers GETs without a body whose URL (path and query) matches `pattern`. */
  get(pattern: RegExp, handle: DirectHandler): void {
    this.routes.push({ method: 'GET', pattern, handle });
  }

  /** From now on Fastify answers every request (503 while it closes), and answers close. */
  drain(): void {
    this.draining = true;
  }

  /** A node:http server that offers each request to the direct routes, then to Fastify. */
  serverFactory(): FastifyServerFactory {
    return (fastify, options) => {
      const server: Server = createServer((request, response) => {
        if (!this.take(request, response)) fastify(request, response);
      });
      // What Fastify sets on a server it creates itself.
      server.keepAliveTimeout = Number(options.keepAliveTimeout ?? 72_000);
      server.requestTimeout = Number(options.requestTimeout ?? 0);
      server.setTimeout(Number(options.connectionTimeout ?? 0));
      return server;
    };
  }

  /** Answers the request if a direct route takes it; false leaves it untouched for Fastify. */
  take(request: IncomingMessage, response: ServerResponse): boolean {
    if (this.draining) return false;
    const url = request.url ?? '';
    for (const route of this.routes) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(url);
      if (!match) continue;
      // Groups the URL did not have (an optional query) are undefined.
      const params = match.slice(1);
      if (route.method === 'GET') {
        if (!bodiless(request.headers)) return false;
        this.answer(route, params, request, response, undefined);
        return true;
      }
      if (!this.takesBody(request.headers)) return false;
      this.read(route, params, request, response);
      return true;
    }
    return false;
  }

  private takesBody(headers: IncomingHttpHeaders): boolean {
    const type = headers['content-type'];
    if (type === undefined) return false;
    const semicolon = type.indexOf(';');
    if ((semicolon === -1 ? type : type.slice(0, semicolon)).trim() !== 'application/json') {
      return false;
    }
    if (headers['transfer-encoding'] !== undefined) return false;
    const length = headers['content-length'];
    return length !== undefined && Number(length) <= this.bodyLimit;
  }

  private read(
    route: DirectRoute,
    params: (string | undefined)[],
    request: IncomingMessage,
    response: ServerResponse,
  ): void {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
    });
    request.once('end', () => this.answer(route, params, request, response, text));
    request.once('error', () => response.destroy());
  }

  private answer(
    route: DirectRoute,
    params: (string | undefined)[],
    request: IncomingMessage,
    response: ServerResponse,
    text: string | undefined,
  ): void {
    let answer: DirectAnswer | Promise<DirectAnswer>;
    try {
      const body = text === undefined ? undefined : parseJsonBody(text);
      answer = route.handle({ params, headers: request.headers, body });
    } catch (error) {
      answer = this.failed(request, error);
    }
    if (answer instanceof Promise) {
      answer.then(
        (settled) => this.send(response, settled),
        (error: unknown) => this.send(response, this.failed(request, error)),
      );
    } else {
      this.send(response, answer);
    }
  }

  private failed(request: IncomingMessage, error: unknown): DirectAnswer {
    const answer = errorAnswer(error);
    if (answer.fault) {
      this.logger.error(
        { err: error, req: { method: request.method, url: request.url } },
        'request failed',
      );
    }
    return { status: answer.status, body: JSON.stringify(answer.body), headers: answer.headers };
  }

  private send(response: ServerResponse, answer: DirectAnswer): void {
    this.served += 1;
    const headers: Record<string, string | number> = {
      'content-type': jsonContentType,
      'content-length': Buffer.byteLength(answer.body),
    };
    if (answer.headers) Object.assign(headers, answer.headers);
    if (this.draining) headers.connection = 'close';
    response.writeHead(answer.status, headers);
    response.end(answer.body);
    this.afterAnswer?.();
  }
}
