import { genesisHash, type HashedEntryFields, hashEntry } from './audit-hash.js';

export type ChainProblem = 'hash_mismatch' | 'broken_link' | 'gap';

export type ChainReport =
  | { ok: true; entries: number }
  | {
      ok: false;
      /** The first sequence number that does not check out. */
      firstBadSequence: number;
      /** The entry found at that place; null when the entries stop before the recorded head. */
      entryId: string | null;
      reason: ChainProblem;
      /** Entries read. */
      entries: number;
    };

export interface StoredEntry extends HashedEntryFields {
  hash: string;
}

/** The organisation's head row: the sequence and hash of the last entry appended. */
export interface ChainHead {
  sequence: number;
  hash: string;
}

/**
 * Walks an organisation's entries in sequence order and keeps the first problem:
 *
 * - `gap`: the sequence is not the previous one plus one (a row was deleted), or the log ends
 *   before the head's sequence (rows were cut off the end);
 * - `broken_link`: `prevHash` is not the previous entry's `hash` (a row was replaced or moved),
 *   or the last entry's hash is not the one the head recorded;
 * - `hash_mismatch`: the entry's fields no longer hash to its `hash` (a row was edited).
 *
 * Fed one entry at a time, so the log is never held in memory.
 */
export class ChainVerifier {
  private expectedSequence = 1;
  private previousHash = genesisHash;
  private lastEntryId: string | null = null;
  private read = 0;
  private problem: Omit<Extract<ChainReport, { ok: false }>, 'entries'> | undefined;

  constructor(private readonly head: ChainHead | undefined) {}

  check(entry: StoredEntry): void {
    this.read += 1;
    if (this.problem) return;
    const at = (reason: ChainProblem, sequence = entry.sequence) => {
      this.problem = { ok: false, firstBadSequence: sequence, entryId: entry.id, reason };
    };
    if (entry.sequence !== this.expectedSequence) at('gap', this.expectedSequence);
    else if (entry.prevHash !== this.previousHash) at('broken_link');
    else if (hashEntry(entry) !== entry.hash) at('hash_mismatch');
    this.expectedSequence = entry.sequence + 1;
    this.previousHash = entry.hash;
    this.lastEntryId = entry.id;
  }

  finish(): ChainReport {
    if (!this.problem && this.head) {
      const lastSequence = this.expectedSequence - 1;
      if (lastSequence < this.head.sequence) {
        this.problem = {
          ok: false,
          firstBadSequence: lastSequence + 1,
          entryId: null,
          reason: 'gap',
        };
      } else if (lastSequence > 0 && this.previousHash !== this.head.hash) {
        this.problem = {
          ok: false,
          firstBadSequence: lastSequence,
          entryId: this.lastEntryId,
          reason: 'broken_link',
        };
      }
    }
    return this.problem
      ? { ...this.problem, entries: this.read }
      : { ok: true, entries: this.read };
  }
}
