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
 * answer"). A retry while the first attempt still runs (the shopper's connection dropped during
 * a slow payment) waits for it and gets the same answer instead of a 409; a retry after it
 * finished gets the answer it gave, for a retention window. Another key while one runs is a
 * new attempt, which the offer store refuses as busy.
 *
 * Across processes (REDIS_URL) the memory is not shared: a retry that lands on another process
 * while the first runs gets 409 conflict; once it finished, a paid hold answers its order from
 * the database and a declined card is declined again by the provider's own idempotency (the
 * charge key is hold + payment method), so only a replayed profile token is lost.
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
      return current.fingerprint === fingerprint ? current.answer : Promise.reject(keyReused());
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

function keyReused(): AppError {
  return new AppError(
    'invalid',
    'Idempotency-Key: this key was used for a different checkout request; send a new key for a new attempt',
    { field: 'idempotency-key' },
  );
}
