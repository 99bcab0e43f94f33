/*
 * An offer's waitlist as its book keeps it: who is in line for units that come back, who gets
 * them (first come, first served), and what became of each wait, for the store to persist. The
 * book decides when units come back and whether they fit; the line decides whose they are. A
 * claim reaches it only when a hold expired, so it stays off the claim's fast path.
 */

import { randomUUID } from 'node:crypto';
import type { OfferBook } from './offer-book.js';
import type { BookHold, WaitAnswer, WaitingEntry, WaitlistEnd } from './offer-book.types.js';

const settled = Promise.resolve();
// Most calls find nothing to hand over: shared empty answers, no allocation.
const nothingPromoted: BookHold[] = [];
const noWaitlistEnds: WaitlistEnd[] = [];

export class OfferWaitlist {
  private readonly entries: WaitingEntry[] = [];
  /** The `order` the next shopper to join gets. */
  private nextOrder = 1;
  /** Ends of waits since the last takeEnds, to be persisted. */
  private ends: WaitlistEnd[] = [];
  /** Holds created for waiting shoppers since the last takePromoted, to be persisted. */
  private promoted: BookHold[] = [];
  /**
   * Keyed joins' first answers, whatever became of the entry since: a retry with the key gets
   * the same place again and never joins twice. Joins are few next to claims: kept whole.
   */
  private readonly answers = new Map<string, WaitAnswer>();

  get length(): number {
    return this.entries.length;
  }

  /** The `order` of the next shopper to join: after everyone in line, restored ones too. */
  get nextWaitingOrder(): number {
    return this.nextOrder;
  }

  /** Puts an entry at the end of the line; answers its place in line, 1 for the first. */
  add(entry: WaitingEntry): number {
    this.entries.push(entry);
    if (entry.order >= this.nextOrder) this.nextOrder = entry.order + 1;
    return this.entries.length;
  }

  /** Takes an entry out of line; false when it is no longer there. */
  remove(entryId: string): boolean {
    for (let index = this.entries.length - 1; index >= 0; index--) {
      if (this.entries[index]?.id !== entryId) continue;
      this.entries.splice(index, 1);
      return true;
    }
    return false;
  }

  /** The shopper's place in line, 1 for the first; undefined when not waiting. */
  positionOf(shopperId: string): number | undefined {
    const index = this.entries.findIndex((entry) => entry.shopperId === shopperId);
    return index >= 0 ? index + 1 : undefined;
  }

  answerOf(key: string): WaitAnswer | undefined {
    return this.answers.get(key);
  }

  rememberAnswer(key: string, answer: WaitAnswer): void {
    this.answers.set(key, answer);
  }

  /** Forgets the key's answer if it names the entry (a join whose write failed). */
  forgetAnswer(key: string, entryId: string): void {
    if (this.answers.get(key)?.entryId === entryId) this.answers.delete(key);
  }

  takeEnds(): WaitlistEnd[] {
    if (this.ends.length === 0) return noWaitlistEnds;
    const ends = this.ends;
    this.ends = [];
    return ends;
  }

  takePromoted(): BookHold[] {
    if (this.promoted.length === 0) return nothingPromoted;
    const promoted = this.promoted;
    this.promoted = [];
    return promoted;
  }

  /** A market's reserve was released: its shoppers leave the line, their waits expired. */
  endMarket(market: string): void {
    let kept = 0;
    for (const entry of this.entries) {
      if (entry.market === market) this.end(entry, 'expired');
      else this.entries[kept++] = entry;
    }
    this.entries.length = kept;
  }

  /** The offer closed: every wait expires. */
  endAll(): void {
    for (const entry of this.entries) this.end(entry, 'expired');
    this.entries.length = 0;
  }

  /**
   * Units came back to a live book: hands them out in line. An entry over the per-buyer limit
   * is passed by, and the first entry that does not fit stops the line (of its market, when the
   * offer is split: a market with units serves its own line even while another market's head
   * waits).
   */
  serve(book: OfferBook, now: number): void {
    let blocked: Set<string | null> | undefined;
    let index = 0;
    while (index < this.entries.length) {
      const next = this.entries[index] as WaitingEntry;
      if (!book.hasUnitsFor(next.market, next.quantity) || blocked?.has(next.market)) {
        if (!book.splitByMarket) return;
        blocked ??= new Set();
        blocked.add(next.market);
        index++;
        continue;
      }
      this.entries.splice(index, 1);
      if (book.overLimit(next.shopperId, next.quantity)) {
        this.end(next, 'left');
        continue;
      }
      const hold = book.addHold({
        id: randomUUID(),
        shopperId: next.shopperId,
        quantity: next.quantity,
        createdAt: now,
        expiresAt: now + book.holdTtlMs,
        state: 'held',
        idempotencyKey: null,
        offerCode: null,
        trafficSource: 'waitlist',
        market: next.market,
        durable: settled,
      });
      this.promoted.push(hold);
      this.ends.push({ entryId: next.id, status: 'served', holdId: hold.id });
    }
  }

  private end(entry: WaitingEntry, status: 'left' | 'expired'): void {
    this.ends.push({ entryId: entry.id, status, holdId: null });
  }
}
