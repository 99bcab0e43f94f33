/** Time comes from a clock passed in, so TTLs, SLAs and rate limits are tested without sleeping. */
export interface Clock {
  now(): Date;
  /** The same instant in epoch milliseconds, without a Date (hot paths decide thousands a second). */
  nowMs?(): number;
  /**
   * Epoch milliseconds read once per synchronous run: every call until the run's microtasks
   * (and at most `turnReadsLimit` calls) answers the same instant. A drop decides thousands of
   * claims in one run when an embedding application or a batch calls the engine directly,
   * and a clock read costs about 65 ns on the benchmark machine, a tenth of a decision.
   */
  turnMs?(): number;
}

/** Calls answered from one reading of the clock, at most, in a long synchronous run. */
export const turnReadsLimit = 64;
let turnReading: number | undefined;
let turnReadsLeft = 0;
const endTurn = (): void => {
  turnReading = undefined;
};

function systemTurnMs(): number {
  if (turnReading !== undefined && turnReadsLeft > 0) {
    turnReadsLeft -= 1;
    return turnReading;
  }
  if (turnReading === undefined) queueMicrotask(endTurn);
  turnReading = Date.now();
  turnReadsLeft = turnReadsLimit - 1;
  return turnReading;
}

export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
  turnMs: systemTurnMs,
};

/** Epoch milliseconds from any clock. */
export function epochMs(clock: Clock): number {
  return clock.nowMs ? clock.nowMs() : clock.now().getTime();
}

/**
 * Epoch milliseconds for a decision: the clock's reading for the current synchronous run when
 * it has one (see `Clock.turnMs`), else a fresh reading.
 */
export function turnEpochMs(clock: Clock): number {
  return clock.turnMs ? clock.turnMs() : epochMs(clock);
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  nowMs(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
}
