import type { Clock } from '../../lib/clock.js';

/**
 * Failed-login limits, per account and per client address, in a fixed window. Kept in the
 * process: with several server processes each applies its own limit, which bounds guessing
 * at (processes x limit) per window. A success clears the account's counter.
 */
export interface LoginLimits {
  windowMs: number;
  perAccount: number;
  perAddress: number;
}

export const defaultLoginLimits: LoginLimits = {
  windowMs: 15 * 60 * 1000,
  perAccount: 5,
  perAddress: 30,
};

interface Window {
  startedAt: number;
  failures: number;
}

export class LoginRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: LoginLimits = defaultLoginLimits,
  ) {}

  /** Milliseconds until another attempt is allowed, or 0 when one is allowed now. */
  retryAfterMs(email: string, address: string): number {
    return Math.max(
      this.blockedFor(`account:${email.toLowerCase()}`, this.limits.perAccount),
      this.blockedFor(`address:${address}`, this.limits.perAddress),
    );
  }

  recordFailure(email: string, address: string): void {
    this.bump(`account:${email.toLowerCase()}`);
    this.bump(`address:${address}`);
  }

  recordSuccess(email: string): void {
    this.windows.delete(`account:${email.toLowerCase()}`);
  }

  private current(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (!window) return undefined;
    if (this.clock.now().getTime() - window.startedAt >= this.limits.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private blockedFor(key: string, limit: number): number {
    const window = this.current(key);
    if (!window || window.failures < limit) return 0;
    return window.startedAt + this.limits.windowMs - this.clock.now().getTime();
  }

  private bump(key: string): void {
    const window = this.current(key);
    if (window) window.failures += 1;
    else this.windows.set(key, { startedAt: this.clock.now().getTime(), failures: 1 });
    if (this.windows.size > 100_000) this.sweep();
  }

  /** Drops finished windows so a flood of random e-mails cannot grow memory without bound. */
  private sweep(): void {
    for (const key of [...this.windows.keys()]) this.current(key);
  }
}
