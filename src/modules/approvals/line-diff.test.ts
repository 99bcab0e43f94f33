import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DiffLine, diffLines, diffSummary, linesOf } from './line-diff.js';

/** Longest common subsequence length by dynamic programming: the reference the diff must meet. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = table[i] as number[];
      row[j] =
        a[i - 1] === b[j - 1]
          ? (table[i - 1]?.[j - 1] ?? 0) + 1
          : Math.max(table[i - 1]?.[j] ?? 0, row[j - 1] ?? 0);
    }
  }
  return table[a.length]?.[b.length] ?? 0;
}

const fromSide = (diff: DiffLine[]) => diff.filter((l) => l.kind !== 'added').map((l) => l.text);
const toSide = (diff: DiffLine[]) => diff.filter((l) => l.kind !== 'removed').map((l) => l.text);
// Few distinct lines, so random versions share many of them.
const document = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', ''), { maxLength: 30 });

describe('line diff', () => {
  it('splits content into lines, a trailing newline ending the last one', () => {
    expect(linesOf('')).toEqual([]);
    expect(linesOf('one\ntwo\n')).toEqual(['one', 'two']);
    expect(linesOf('one\n\ntwo')).toEqual(['one', '', 'two']);
  });

  it('marks the lines an edit added and removed, with their line numbers on each side', () => {
    const diff = diffLines(
      ['Hi, welcome!', 'Next-day delivery for all orders.', 'Tap to buy.'],
      ['Hi, welcome!', 'Next-day delivery, except AK and HI.', 'Tap to buy.', 'Live-only stock.'],
    );
    expect(diff).toEqual([
      { kind: 'same', text: 'Hi, welcome!', fromLine: 1, toLine: 1 },
      { kind: 'removed', text: 'Next-day delivery for all orders.', fromLine: 2, toLine: null },
      { kind: 'added', text: 'Next-day delivery, except AK and HI.', fromLine: null, toLine: 2 },
      { kind: 'same', text: 'Tap to buy.', fromLine: 3, toLine: 3 },
      { kind: 'added', text: 'Live-only stock.', fromLine: null, toLine: 4 },
    ]);
    expect(diffSummary(diff)).toEqual({ added: 2, removed: 1 });
  });

  it('rebuilds both versions from the diff, with the fewest possible changes', () => {
    fc.assert(
      fc.property(document, document, (from, to) => {
        const diff = diffLines(from, to);
        expect(fromSide(diff)).toEqual(from);
        expect(toSide(diff)).toEqual(to);
        const same = diff.filter((line) => line.kind === 'same').length;
        expect(same).toBe(lcsLength(from, to));
      }),
      { numRuns: 300 },
    );
  });

  it('numbers every line after its own version', () => {
    fc.assert(
      fc.property(document, document, (from, to) => {
        const diff = diffLines(from, to);
        const fromNumbers = diff.flatMap((l) => (l.fromLine === null ? [] : [l.fromLine]));
        const toNumbers = diff.flatMap((l) => (l.toLine === null ? [] : [l.toLine]));
        expect(fromNumbers).toEqual(from.map((_, index) => index + 1));
        expect(toNumbers).toEqual(to.map((_, index) => index + 1));
      }),
    );
  });

  it('shows a complete rewrite of a long script as removed then added lines', () => {
    const from = Array.from({ length: 3000 }, (_, index) => `old ${index}`);
    const to = Array.from({ length: 3000 }, (_, index) => `new ${index}`);
    const diff = diffLines(from, to);
    expect(diffSummary(diff)).toEqual({ added: 3000, removed: 3000 });
    expect(fromSide(diff)).toEqual(from);
    expect(toSide(diff)).toEqual(to);
  });
});
