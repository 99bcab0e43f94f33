import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import { CheckoutAttempts } from './checkout-attempts.js';

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('checkout attempts by Idempotency-Key', () => {
  it('gives a retry sent while the first attempt runs that attempt’s answer, running it once', async () => {
    const attempts = new CheckoutAttempts<string>({
      clock: new ManualClock('2026-01-01T00:00:00Z'),
    });
    const payment = deferred<string>();
    let runs = 0;
    const attempt = () => {
      runs += 1;
      return payment.promise;
    };
    const first = attempts.run('hold', 'key', 'body', attempt);
    const retry = attempts.run('hold', 'key', 'body', attempt);
    payment.resolve('order-1');
    expect(await Promise.all([first, retry])).toEqual(['order-1', 'order-1']);
    expect(runs).toBe(1);
  });

  it('replays a finished refusal, and forgets it after the retention window', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const attempts = new CheckoutAttempts<string>({ clock, retentionMs: 60_000 });
    const declined = new AppError('payment_declined', 'declined');
    let runs = 0;
    const decline = async () => {
      runs += 1;
      throw declined;
    };
    await expect(attempts.run('hold', 'key', 'body', decline)).rejects.toBe(declined);
    await expect(attempts.run('hold', 'key', 'body', decline)).rejects.toBe(declined);
    expect(runs).toBe(1);
    clock.advance(60_000);
    await expect(attempts.run('hold', 'key', 'body', decline)).rejects.toBe(declined);
    expect(runs).toBe(2);
  });

  it('runs again after a fault or a conflict: they say nothing about the request', async () => {
    const attempts = new CheckoutAttempts<string>({
      clock: new ManualClock('2026-01-01T00:00:00Z'),
    });
    await expect(
      attempts.run('hold', 'key', 'body', async () => {
        throw new AppError('conflict', 'busy');
      }),
    ).rejects.toThrow('busy');
    await expect(
      attempts.run('hold', 'key', 'body', async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    expect(await attempts.run('hold', 'key', 'body', async () => 'order-1')).toBe('order-1');
  });

  it('refuses the same key with a different body, naming the header', async () => {
    const attempts = new CheckoutAttempts<string>({
      clock: new ManualClock('2026-01-01T00:00:00Z'),
    });
    await attempts.run('hold', 'key', 'visa', async () => 'order-1');
    await expect(attempts.run('hold', 'key', 'amex', async () => 'order-2')).rejects.toMatchObject({
      code: 'invalid',
      details: { field: 'idempotency-key' },
    });
    // The same key on another hold is another request.
    expect(await attempts.run('other-hold', 'key', 'amex', async () => 'order-2')).toBe('order-2');
  });

  it('answers another body sent with a running key once the running attempt ends', async () => {
    const attempts = new CheckoutAttempts<string>({
      clock: new ManualClock('2026-01-01T00:00:00Z'),
    });
    const payment = deferred<string>();
    const first = attempts.run('hold', 'key', 'visa', () => payment.promise);
    let settled = false;
    const other = attempts.run('hold', 'key', 'amex', async () => 'order-2');
    other
      .catch(() => {})
      .finally(() => {
        settled = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(settled).toBe(false);
    payment.resolve('order-1');
    expect(await first).toBe('order-1');
    await expect(other).rejects.toMatchObject({ details: { field: 'idempotency-key' } });
  });

  it('runs a body again after the running one was refused as the reuse of the key', async () => {
    const attempts = new CheckoutAttempts<string>({
      clock: new ManualClock('2026-01-01T00:00:00Z'),
    });
    // The key's first attempt ran in another process with the body "visa": here the "amex"
    // retry arrived first, and was refused as the reuse once the database said so.
    const refusal = deferred<string>();
    const reused = attempts.run('hold', 'key', 'amex', () => refusal.promise);
    const retry = attempts.run('hold', 'key', 'visa', async () => 'order-1');
    refusal.reject(
      new AppError('invalid', 'Idempotency-Key: reused', { field: 'idempotency-key' }),
    );
    await expect(reused).rejects.toMatchObject({ code: 'invalid' });
    expect(await retry).toBe('order-1');
    // The refusal is not remembered as an answer: the first body's retries get its order.
    expect(await attempts.run('hold', 'key', 'visa', async () => 'order-2')).toBe('order-1');
  });

  it('keeps at most `capacity` finished answers, dropping the oldest', async () => {
    const attempts = new CheckoutAttempts<string>({
      clock: new ManualClock('2026-01-01T00:00:00Z'),
      capacity: 2,
    });
    for (const hold of ['a', 'b', 'c']) await attempts.run(hold, 'key', 'body', async () => hold);
    expect(await attempts.run('a', 'key', 'body', async () => 'a again')).toBe('a again');
    expect(await attempts.run('c', 'key', 'body', async () => 'c again')).toBe('c');
  });
});
