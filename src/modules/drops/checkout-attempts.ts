import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { AppError, isAppError } from '../../lib/errors.js';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Running<T> {
  key: string;
  fingerprint: string;
  answer: Promise<T>;
}

interface Finished<T> {
  fingerprint: string;
  outcome: Outcome<T>;
  at: number;
}

/** A request body's fingerprint: the same key with another body is not a retry. */
export function fingerprintOf(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('base64url');
}

/**
 * Checkout answers by Idempotency-Key, in this process (issue #3: "a retry returns the first
 * answer"): the fast path. A retry while the first attempt still runs (the shopper's connection
 * dropped during a slow payment) waits for it and gets the same answer instead of a 409; a
 * retry after it finished gets the answer it gave, for a retention window. Another key while
 * one runs is a new attempt, which the offer store refuses as busy.
 *
 * Across processes (REDIS_URL) the key and the first answer are kept with the payment attempt
 * in the database (checkout-payments.ts): a retry on another process waits for a running
 * first attempt and replays a finished one's answer, except a saved profile's token, which is
 * never stored.
 */
export class CheckoutAttempts<T> {
  private readonly running = new Map<string, Running<T>>();
  /** By hold and key, oldest first (a Map keeps insertion order). */
  private readonly finished = new Map<string, Finished<T>>();

  constructor(
    private readonly deps: {
      clock: Clock;
      /** How long a finished answer is replayed: longer than any hold lives. */
      retentionMs?: number;
      /** Finished answers kept at most; the oldest go first. */
      capacity?: number;
    },
  ) {}

  run(holdId: string, key: string, fingerprint: string, attempt: () => Promise<T>): Promise<T> {
    const id = `${holdId} ${key}`;
    const done = this.recall(id);
    if (done) {
      if (done.fingerprint !== fingerprint) return Promise.reject(keyReused());
      return done.outcome.ok
        ? Promise.resolve(done.outcome.value)
        : Promise.reject(done.outcome.error);
    }
    const current = this.running.get(holdId);
    if (current?.key === key) {
      if (current.fingerprint === fingerprint) return current.answer;
      // Another body with the running key: which body came first may have been decided in
      // another process (the running one may be refused as the reuse), so ask once it ended.
      const again = () => this.run(holdId, key, fingerprint, attempt);
      return current.answer.then(again, again);
    }
    // Another key's attempt is running: this one goes ahead and meets the store's "busy".
    if (current) return attempt();
    const answer = attempt();
    const entry: Running<T> = { key, fingerprint, answer };
    this.running.set(holdId, entry);
    answer.then(
      (value) => this.settle(holdId, id, entry, { ok: true, value }),
      (error: unknown) => this.settle(holdId, id, entry, { ok: false, error }),
    );
    return answer;
  }

  private settle(holdId: string, id: string, entry: Running<T>, outcome: Outcome<T>): void {
    if (this.running.get(holdId) === entry) this.running.delete(holdId);
    // Only answers about the request itself are replayed: a fault or a conflict with another
    // attempt says nothing about what this request would get next time.
    if (!outcome.ok && !(isAppError(outcome.error) && outcome.error.code !== 'conflict')) return;
    // A key refused for another body (the first request ran in another process) says nothing
    // about the first request's own answer, which a retry of it here must still get.
    if (!outcome.ok && isKeyReused(outcome.error)) return;
    const now = this.deps.clock.now().getTime();
    this.finished.set(id, { fingerprint: entry.fingerprint, outcome, at: now });
    this.prune(now);
  }

  private recall(id: string): Finished<T> | undefined {
    const done = this.finished.get(id);
    if (!done) return undefined;
    if (this.deps.clock.now().getTime() - done.at < this.retentionMs) return done;
    this.finished.delete(id);
    return undefined;
  }

  private prune(now: number): void {
    const capacity = this.deps.capacity ?? 10_000;
    for (const [id, done] of this.finished) {
      if (this.finished.size <= capacity && now - done.at < this.retentionMs) break;
      this.finished.delete(id);
    }
  }

  private get retentionMs(): number {
    return this.deps.retentionMs ?? 60 * 60_000;
  }
}

export function keyReused(): AppError {
  return new AppError(
    'invalid',
    'Idempotency-Key: this key was used for a different checkout request; send a new key for a new attempt',
    { field: 'idempotency-key' },
  );
}

function isKeyReused(error: unknown): boolean {
  return isAppError(error) && error.details.field === 'idempotency-key';
}
