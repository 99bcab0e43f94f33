import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.js';
import { parseJsonBody } from './json-body.js';

function refusal(text: string): string {
  try {
    parseJsonBody(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid');
    return (error as AppError).message;
  }
  throw new Error(`accepted ${text}`);
}

describe('parseJsonBody', () => {
  it('parses JSON, including forbidden words where they are only values', () => {
    expect(parseJsonBody('{"shopper":"a","quantity":2}')).toEqual({ shopper: 'a', quantity: 2 });
    expect(parseJsonBody('{"shopper":"__proto__","note":"constructor"}')).toEqual({
      shopper: '__proto__',
      note: 'constructor',
    });
    expect(parseJsonBody('{"constructor":"plain"}')).toEqual({ constructor: 'plain' });
    expect(parseJsonBody('[1,"x",null]')).toEqual([1, 'x', null]);
  });

  it('refuses an empty body and a body that is not JSON, saying which', () => {
    expect(refusal('')).toMatch(/cannot be empty/);
    expect(refusal('{"shopper":')).toMatch(/not valid JSON/);
    expect(refusal('shopper=a')).toMatch(/not valid JSON/);
  });

  it('refuses a __proto__ key or a constructor with a prototype at any depth', () => {
    expect(refusal('{"__proto__":{"admin":true}}')).toMatch(/not valid JSON/);
    expect(refusal('{"a":[{"b":{"__proto__":1}}]}')).toMatch(/not valid JSON/);
    expect(refusal('{"constructor":{"prototype":{"admin":true}}}')).toMatch(/not valid JSON/);
    expect(refusal('[[{"x":{"constructor":{"prototype":null}}}]]')).toMatch(/not valid JSON/);
  });
});
