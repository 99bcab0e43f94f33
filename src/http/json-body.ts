import { AppError } from '../lib/errors.js';

/**
 * The API's one reading of a JSON request body, for Fastify's routes and the direct routes
 * alike, so a body gets the same answer whichever path serves it. Like Fastify's default
 * parser, it refuses an empty body and a body that would poison a prototype when merged into
 * an object: a `__proto__` key anywhere, or a `constructor` holding a `prototype`.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) {
    throw new AppError(
      'invalid',
      "Body cannot be empty when content-type is set to 'application/json'",
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw notJson();
  }
  // Only a text that spells a forbidden key can hold one: the walk is skipped for the rest.
  const suspect = text.includes('__proto__') || text.includes('constructor');
  if (suspect && poisons(value)) throw notJson();
  return value;
}

function notJson(): AppError {
  return new AppError(
    'invalid',
    "Body is not valid JSON but content-type is set to 'application/json'",
  );
}

/** Whether any object in a parsed JSON value has a key that would reach a prototype. */
function poisons(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      pending.push(...current);
      continue;
    }
    if (Object.hasOwn(current, '__proto__')) return true;
    const maker = (current as { constructor?: unknown }).constructor;
    if (
      Object.hasOwn(current, 'constructor') &&
      typeof maker === 'object' &&
      maker !== null &&
      Object.hasOwn(maker, 'prototype')
    ) {
      return true;
    }
    pending.push(...Object.values(current));
  }
  return false;
}
