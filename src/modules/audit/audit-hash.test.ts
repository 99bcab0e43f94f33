import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  genesisHash,
  type HashedEntryFields,
  hashEntry,
  toJsonValue,
} from './audit-hash.js';

const entry: HashedEntryFields = {
  id: '6f1c1a52-3f7e-4a55-9a51-0d3c2b9c1e01',
  organizationId: '0b7e4f0e-8d7c-4a31-b7a8-6b2f54b1d9aa',
  sequence: 1,
  occurredAt: new Date('2026-11-22T09:00:00Z'),
  actorKind: 'user',
  actorId: 'c7d8c1f3-4a1e-4f43-9a0e-3f1f6a9f2b10',
  actorRole: 'producer',
  actorName: 'Zoë Producer',
  action: 'offer.paused',
  subjectType: 'offer',
  subjectId: '2a0c8f0e-1b7d-4c2e-8f61-5d9b7c3a4e21',
  reason: 'Stream froze',
  data: { to: 'paused', from: 'live' },
  prevHash: genesisHash,
};

describe('canonical JSON', () => {
  it('sorts object keys at every depth, writes no whitespace and keeps array order', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: null }], a: 'x', c: { y: true, x: false } })).toBe(
      '{"a":"x","b":[3,{"a":null,"z":1}],"c":{"x":false,"y":true}}',
    );
  });

  it('orders keys by UTF-16 code units, not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, é: 3, a: 4 })).toBe('{"B":2,"a":4,"b":1,"é":3}');
  });

  it('leaves out undefined members, as the stored JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: new Date() })).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
  });

  it('is the same text for any key order of the same value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(canonicalJson(toJsonValue(reversed))).toBe(canonicalJson(toJsonValue(value)));
      }),
    );
  });
});

describe('the entry hash', () => {
  it('is SHA-256 over the documented canonical form (a pinned vector)', () => {
    const text =
      '{"action":"offer.paused","actorId":"c7d8c1f3-4a1e-4f43-9a0e-3f1f6a9f2b10",' +
      '"actorKind":"user","actorName":"Zoë Producer","actorRole":"producer",' +
      '"data":{"from":"live","to":"paused"},"id":"6f1c1a52-3f7e-4a55-9a51-0d3c2b9c1e01",' +
      '"occurredAt":"2026-11-22T09:00:00.000Z",' +
      '"organizationId":"0b7e4f0e-8d7c-4a31-b7a8-6b2f54b1d9aa",' +
      `"prevHash":"${'0'.repeat(64)}","reason":"Stream froze","sequence":1,` +
      '"subjectId":"2a0c8f0e-1b7d-4c2e-8f61-5d9b7c3a4e21","subjectType":"offer"}';
    expect(hashEntry(entry)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(hashEntry(entry)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when any one field changes', () => {
    const changed: Array<Partial<HashedEntryFields>> = [
      { id: 'other' },
      { organizationId: 'other' },
      { sequence: 2 },
      { occurredAt: new Date('2026-11-22T09:00:00.001Z') },
      { actorKind: 'token' },
      { actorId: null },
      { actorRole: 'owner' },
      { actorName: 'Zoe Producer' },
      { action: 'offer.closed' },
      { subjectType: 'show' },
      { subjectId: 'other' },
      { reason: null },
      { data: { from: 'live', to: 'closed' } },
      { prevHash: 'f'.repeat(64) },
    ];
    const hashes = new Set(changed.map((change) => hashEntry({ ...entry, ...change })));
    expect(hashes.size).toBe(changed.length);
    expect(hashes.has(hashEntry(entry))).toBe(false);
  });

  it('hashes data the same before and after a trip through JSON', () => {
    const recorded = toJsonValue({ at: new Date('2026-01-01T00:00:00Z'), gone: undefined, n: 1.5 });
    expect(recorded).toEqual({ at: '2026-01-01T00:00:00.000Z', n: 1.5 });
    const stored = JSON.parse(JSON.stringify({ n: 1.5, at: '2026-01-01T00:00:00.000Z' }));
    expect(hashEntry({ ...entry, data: stored })).toBe(hashEntry({ ...entry, data: recorded }));
  });
});
