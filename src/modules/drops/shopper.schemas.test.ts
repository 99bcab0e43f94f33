import fc from 'fast-check';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { claimChecks, claimRequest, offerQuery, offerQueryCheck } from './shopper.schemas.js';

type Part = keyof typeof claimRequest;

function viaZod(part: Part, data: unknown) {
  const validate = validatorCompiler({
    schema: claimRequest[part],
    method: 'POST',
    url: '/api/v1/public/offers/:offerId/claims',
    httpPart: part,
  });
  return validate(data) as { value?: unknown; error?: unknown };
}

/** Whatever the fast check accepts, zod accepts with the same value. */
function expectSameAsZod(part: Part, data: unknown): void {
  const fast = claimChecks[part](data);
  if (fast === undefined) return;
  const zod = viaZod(part, data);
  expect(zod.error).toBeUndefined();
  if (fast === true) {
    // Kept as parsed: zod's value only lacks the keys the route never reads.
    for (const [key, value] of Object.entries(zod.value as object)) {
      expect((data as Record<string, unknown>)[key]).toEqual(value);
    }
  } else {
    expect(fast.value).toStrictEqual(zod.value);
  }
}

/** A body as Fastify hands it over: parsed from JSON. */
function parsedAsJson(value: unknown): unknown {
  const json = JSON.stringify(value);
  return json === undefined ? undefined : JSON.parse(json);
}

const text = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.string({ minLength: 195, maxLength: 205 }),
  fc.constantFrom('', ' ', ' a ', '\t\n', 'fr', 'FR', 'fR', 'f1', 'fra', 'é', '\u00a0x\u00a0'),
  fc.stringMatching(/^\s{0,3}[a-z]{0,3}\s{0,3}$/),
  fc
    .tuple(fc.string({ minLength: 190, maxLength: 200 }), fc.constantFrom(' ', '  ', '\t'))
    .map(([core, space]) => `${space}${core}${space}`),
);
const anyValue = fc.oneof(
  text,
  fc.integer({ min: -5, max: 110 }),
  fc.double(),
  fc.constantFrom(null, true, 0, 1, 100, 101, 1.5, [], {}),
  fc.anything(),
);
const field = fc.option(anyValue, { nil: undefined, freq: 2 });

describe('the claim route fast validation', () => {
  it('accepts only bodies zod accepts, with the value zod gives', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record(
            {
              shopper: fc.oneof(text, anyValue),
              quantity: field,
              offerCode: field,
              source: field,
              market: field,
              extra: field,
            },
            { requiredKeys: [] },
          ),
          anyValue,
        ),
        (body) => expectSameAsZod('body', parsedAsJson(body)),
      ),
      { numRuns: 5_000 },
    );
  });

  it('accepts the claims of a drop without asking zod', () => {
    const body = { shopper: ' shopper-1 ', quantity: 2, market: 'fr', source: 'tiktok_live' };
    expect(claimChecks.body(body)).toStrictEqual({
      value: { shopper: 'shopper-1', quantity: 2, source: 'tiktok_live', market: 'FR' },
    });
    expect(claimChecks.body({ shopper: 'shopper-1' })).toStrictEqual({
      value: { shopper: 'shopper-1', quantity: 1 },
    });
    expect(claimChecks.params({ offerId: '5f0c2c8e-7a4b-4e3d-9a1b-2c3d4e5f6a7b' })).toBe(true);
    expect(claimChecks.headers({ 'idempotency-key': 'k-1', host: 'x' })).toBe(true);
    expect(claimChecks.headers({ host: 'x' })).toBe(true);
  });

  it('leaves every malformed part to zod, which names the field', () => {
    expect(claimChecks.body({ shopper: '   ', quantity: 0 })).toBeUndefined();
    expect(claimChecks.body({ shopper: 'a', market: 'FRA' })).toBeUndefined();
    expect(claimChecks.params({ offerId: 'not-a-uuid' })).toBeUndefined();
    expect(claimChecks.headers({ 'idempotency-key': '' })).toBeUndefined();
  });

  it('accepts only offer ids and idempotency keys zod accepts', () => {
    const id = fc.oneof(
      fc.uuid(),
      fc.string(),
      fc.constant('00000000-0000-0000-0000-000000000000'),
    );
    fc.assert(fc.property(id, (offerId) => expectSameAsZod('params', { offerId })));
    fc.assert(
      fc.property(field, (key) =>
        expectSameAsZod('headers', key === undefined ? {} : { 'idempotency-key': key }),
      ),
    );
  });

  it("checks the offer state's market query as zod does", () => {
    const viaZodQuery = validatorCompiler({
      schema: offerQuery,
      method: 'GET',
      url: '/api/v1/public/offers/:offerId',
      httpPart: 'querystring',
    });
    const code = fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.constantFrom('fr', 'FR', 'fR', 'f1', 'fra', '', ' fr', 'é'),
      fc.stringMatching(/^[A-Za-z]{2}$/),
    );
    fc.assert(
      fc.property(fc.option(code, { nil: undefined }), (market) => {
        const query = market === undefined ? {} : { market };
        const fast = offerQueryCheck(query);
        const zod = viaZodQuery(query) as { value?: unknown; error?: unknown };
        if (fast === undefined) {
          expect(zod.error).toBeDefined();
        } else {
          expect(zod.error).toBeUndefined();
          expect(fast).toStrictEqual({ value: zod.value });
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
