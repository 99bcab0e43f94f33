/**
 * Line diff between two versions of a document: Myers' O(ND) shortest edit script, so a
 * reviewer sees the fewest added and removed lines between any two versions.
 */

export type DiffKind = 'same' | 'added' | 'removed';

export interface DiffLine {
  kind: DiffKind;
  text: string;
  /** 1-based line in the older version; null for an added line. */
  fromLine: number | null;
  /** 1-based line in the newer version; null for a removed line. */
  toLine: number | null;
}

/** A document's lines: `\n` separates them and one trailing newline ends the last one. */
export function linesOf(content: string): string[] {
  if (content === '') return [];
  const lines = content.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The edit script from `from` to `to`. Common head and tail are matched first (edits to a
 * script are usually local), then Myers' greedy search runs on the middle, keeping one
 * frontier per edit distance to walk back along.
 */
export function diffLines(from: readonly string[], to: readonly string[]): DiffLine[] {
  let head = 0;
  while (head < from.length && head < to.length && from[head] === to[head]) head++;
  let tail = 0;
  while (
    tail < from.length - head &&
    tail < to.length - head &&
    from[from.length - 1 - tail] === to[to.length - 1 - tail]
  ) {
    tail++;
  }
  const result: DiffLine[] = [];
  for (let index = 0; index < head; index++) {
    result.push({ kind: 'same', text: from[index] ?? '', fromLine: index + 1, toLine: index + 1 });
  }
  const middle = myers(from.slice(head, from.length - tail), to.slice(head, to.length - tail));
  for (const line of middle) {
    result.push({
      ...line,
      fromLine: line.fromLine === null ? null : line.fromLine + head,
      toLine: line.toLine === null ? null : line.toLine + head,
    });
  }
  for (let index = tail; index > 0; index--) {
    const fromIndex = from.length - index;
    const toIndex = to.length - index;
    result.push({
      kind: 'same',
      text: from[fromIndex] ?? '',
      fromLine: fromIndex + 1,
      toLine: toIndex + 1,
    });
  }
  return result;
}

/**
 * Past this many edits between the common head and tail the versions are a rewrite: the
 * middle is shown as removed then added, and the search keeps its memory (it grows with the
 * square of the distance) small.
 */
const maxEditDistance = 2000;

function rewrite(a: readonly string[], b: readonly string[]): DiffLine[] {
  return [
    ...a.map(
      (text, index): DiffLine => ({
        kind: 'removed',
        text,
        fromLine: index + 1,
        toLine: null,
      }),
    ),
    ...b.map(
      (text, index): DiffLine => ({ kind: 'added', text, fromLine: null, toLine: index + 1 }),
    ),
  ];
}

function myers(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  if (max === 0) return [];
  const limit = Math.min(max, maxEditDistance);
  const offset = limit + 1;
  // v[k + offset]: furthest x reached on diagonal k (k = x - y) with the edits made so far.
  const v = new Int32Array(2 * limit + 3);
  // trace[d]: the frontier as round d started, diagonals -d..d (index k + d).
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= limit && !found; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[k - 1 + offset] ?? 0) < (v[k + 1 + offset] ?? 0));
      let x = down ? (v[k + 1 + offset] ?? 0) : (v[k - 1 + offset] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + offset] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  if (!found) return rewrite(a, b);

  // Walk back from (n, m) through the saved frontiers.
  const reversed: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const frontier = trace[d] ?? new Int32Array(0);
    const at = (k: number) => frontier[k + d] ?? 0;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      reversed.push({ kind: 'same', text: a[x - 1] ?? '', fromLine: x, toLine: y });
      x--;
      y--;
    }
    if (d > 0) {
      if (down) reversed.push({ kind: 'added', text: b[y - 1] ?? '', fromLine: null, toLine: y });
      else reversed.push({ kind: 'removed', text: a[x - 1] ?? '', fromLine: x, toLine: null });
    }
    x = previousX;
    y = previousY;
  }
  return reversed.reverse();
}

export function diffSummary(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.kind === 'added') added++;
    else if (line.kind === 'removed') removed++;
  }
  return { added, removed };
}
