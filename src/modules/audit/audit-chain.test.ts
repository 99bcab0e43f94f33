import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChainHead, ChainVerifier, type StoredEntry } from './audit-chain.js';
import { genesisHash, hashEntry } from './audit-hash.js';

const organizationId = '0b7e4f0e-8d7c-4a31-b7a8-6b2f54b1d9aa';

/** A well-formed chain of `length` entries and the head that goes with it. */
function chainOf(length: number): { entries: StoredEntry[]; head: ChainHead } {
  const entries: StoredEntry[] = [];
  let prevHash = genesisHash;
  for (let sequence = 1; sequence <= length; sequence += 1) {
    const fields = {
      id: `entry-${sequence}`,
      organizationId,
      sequence,
      occurredAt: new Date(Date.UTC(2026, 10, 22, 9, 0, sequence)),
      actorKind: 'user' as const,
      actorId: 'user-1',
      actorRole: 'owner',
      actorName: 'Olive Owner',
      action: sequence % 2 ? 'offer.paused' : 'offer.resumed',
      subjectType: 'offer',
      subjectId: 'offer-1',
      reason: null,
      data: { step: sequence },
      prevHash,
    };
    const hash = hashEntry(fields);
    entries.push({ ...fields, hash });
    prevHash = hash;
  }
  return { entries, head: { sequence: length, hash: prevHash } };
}

function verify(entries: StoredEntry[], head?: ChainHead) {
  const verifier = new ChainVerifier(head);
  for (const entry of entries) verifier.check(entry);
  return verifier.finish();
}

/** Replaces entry `index` (0-based) with an edited copy. */
function edit(entries: StoredEntry[], index: number, change: Partial<StoredEntry>): StoredEntry[] {
  return entries.map((entry, at) => (at === index ? { ...entry, ...change } : entry));
}

/** Edits an entry and recomputes its own hash, as a careful forger would. */
function rehash(entry: StoredEntry, change: Partial<StoredEntry>): StoredEntry {
  const edited = { ...entry, ...change };
  return { ...edited, hash: hashEntry(edited) };
}

describe('verifying an audit chain', () => {
  it('accepts an intact chain and counts its entries', () => {
    const { entries, head } = chainOf(5);
    expect(verify(entries, head)).toEqual({ ok: true, entries: 5 });
  });

  it('accepts an organisation with no entries yet', () => {
    expect(verify([])).toEqual({ ok: true, entries: 0 });
  });

  it('reports an edited data field as a hash mismatch at that entry', () => {
    const { entries, head } = chainOf(5);
    const tampered = edit(entries, 2, { data: { step: 300 } });
    expect(verify(tampered, head)).toEqual({
      ok: false,
      firstBadSequence: 3,
      entryId: 'entry-3',
      reason: 'hash_mismatch',
      entries: 5,
    });
  });

  it('reports an edited action, and only the first of several edits', () => {
    const { entries, head } = chainOf(5);
    const tampered = edit(edit(entries, 3, { action: 'offer.closed' }), 1, {
      action: 'offer.approved',
    });
    expect(verify(tampered, head)).toMatchObject({
      ok: false,
      firstBadSequence: 2,
      entryId: 'entry-2',
      reason: 'hash_mismatch',
    });
  });

  it('reports a deleted row as a gap where it was', () => {
    const { entries, head } = chainOf(5);
    const tampered = entries.filter((entry) => entry.sequence !== 3);
    expect(verify(tampered, head)).toEqual({
      ok: false,
      firstBadSequence: 3,
      entryId: 'entry-4',
      reason: 'gap',
      entries: 4,
    });
  });

  it('reports rows cut off the end against the head', () => {
    const { entries, head } = chainOf(5);
    expect(verify(entries.slice(0, 3), head)).toEqual({
      ok: false,
      firstBadSequence: 4,
      entryId: null,
      reason: 'gap',
      entries: 3,
    });
  });

  it('reports swapped prev_hash values as a broken link at the first of them', () => {
    const { entries, head } = chainOf(5);
    const [third, fourth] = [entries[2] as StoredEntry, entries[3] as StoredEntry];
    const tampered = edit(edit(entries, 2, { prevHash: fourth.prevHash }), 3, {
      prevHash: third.prevHash,
    });
    expect(verify(tampered, head)).toMatchObject({
      ok: false,
      firstBadSequence: 3,
      entryId: 'entry-3',
      reason: 'broken_link',
    });
  });

  it('catches an edit whose own hash was recomputed at the next link', () => {
    const { entries, head } = chainOf(5);
    const tampered = entries.map((entry) =>
      entry.sequence === 2 ? rehash(entry, { reason: 'nothing to see' }) : entry,
    );
    expect(verify(tampered, head)).toMatchObject({
      ok: false,
      firstBadSequence: 3,
      entryId: 'entry-3',
      reason: 'broken_link',
    });
  });

  it('catches a rehashed last entry against the hash the head recorded', () => {
    const { entries, head } = chainOf(3);
    const tampered = entries.map((entry) =>
      entry.sequence === 3 ? rehash(entry, { data: { step: 0 } }) : entry,
    );
    expect(verify(tampered, head)).toMatchObject({
      ok: false,
      firstBadSequence: 3,
      entryId: 'entry-3',
      reason: 'broken_link',
    });
  });

  it('reports any single edited entry at exactly its sequence', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 12 })
          .chain((length) =>
            fc.tuple(
              fc.constant(length),
              fc.integer({ min: 0, max: length - 1 }),
              fc.constantFrom<Partial<StoredEntry>>(
                { action: 'member.removed' },
                { subjectId: 'offer-2' },
                { actorRole: 'host' },
                { reason: 'edited' },
                { occurredAt: new Date('2030-01-01T00:00:00Z') },
              ),
              fc.jsonValue(),
            ),
          ),
        ([length, index, change, value]) => {
          const { entries, head } = chainOf(length);
          const tampered = edit(edit(entries, index, change), index, {
            data: { ...(entries[index] as StoredEntry).data, extra: value },
          });
          const report = verify(tampered, head);
          expect(report).toMatchObject({ ok: false, firstBadSequence: index + 1 });
        },
      ),
    );
  });
});
