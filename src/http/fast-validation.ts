import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { type ValidationIssue, validationFailure } from './error-handler.js';

type HttpPart = 'body' | 'params' | 'querystring' | 'headers';
type ZodRouteSchema = Parameters<typeof validatorCompiler>[0];

/**
 * A hand-written check of one request part for a hot route. It answers `{ value }` (what zod
 * would have produced), `true` (valid, and the part is kept as Fastify parsed it) or
 * `undefined` when it is not sure: zod then decides, so every 400 is zod's own.
 */
export type FastCheck = (data: unknown) => { value: unknown } | true | undefined;

/**
 * A route's validator compiler that tries the fast checks first and falls back to the zod
 * schema, which still documents the route in OpenAPI. zod's parse was about a twentieth of a
 * claim's server CPU in a drop (--cpu-prof under bench:drop); a fast check must accept only
 * what zod accepts, with the same value (see its property test).
 */
export function fastPathValidator<Schema>(
  checks: Partial<Record<HttpPart, FastCheck>>,
): FastifySchemaCompiler<Schema> {
  return (route) => {
    // Fastify types a route's compiler with the whole route schema; it gets one part's zod schema.
    const viaZod = validatorCompiler(route as unknown as ZodRouteSchema);
    const fast = checks[route.httpPart as HttpPart];
    if (!fast) return viaZod;
    return (data) => fast(data) ?? viaZod(data);
  };
}

/**
 * The same check for a direct route (src/http/direct-routes.ts), which Fastify does not
 * validate: answers the part as Fastify would hand it to the route's handler, or throws the
 * 400 Fastify's validation of that part would have answered.
 */
export function directValidator(
  part: HttpPart,
  schema: ZodRouteSchema['schema'],
  fast: FastCheck,
): (data: unknown) => unknown {
  const viaZod = validatorCompiler({ schema, httpPart: part, method: 'POST', url: '' });
  return (data) => {
    const checked = fast(data);
    if (checked === true) return data;
    if (checked) return checked.value;
    const result = viaZod(data) as { value?: unknown; error?: ValidationIssue[] };
    if (result.error) throw validationFailure(part, result.error);
    return result.value;
  };
}
