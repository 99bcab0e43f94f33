import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock, turnEpochMs, turnReadsLimit } from './clock.js';

/** Spins until the wall clock has moved past `instant`. */
function waitPast(instant: number): void {
  while (Date.now() <= instant) {
    // busy: the point is to stay in one synchronous run
  }
}

describe('the clock read once per synchronous run', () => {
  it('answers one instant until the run ends, then reads the clock again', async () => {
    await Promise.resolve(); // start from a fresh run
    const first = turnEpochMs(systemClock);
    waitPast(first);
    expect(turnEpochMs(systemClock)).toBe(first);
    await Promise.resolve();
    expect(turnEpochMs(systemClock)).toBeGreaterThan(first);
  });

  it('reads the clock again after a bounded number of calls in one long run', async () => {
    await Promise.resolve();
    const first = turnEpochMs(systemClock);
    waitPast(first);
    for (let call = 1; call < turnReadsLimit; call++) expect(turnEpochMs(systemClock)).toBe(first);
    expect(turnEpochMs(systemClock)).toBeGreaterThan(first);
  });

  it('reads a clock without a per-run reading every time (tests move it by hand)', () => {
    const clock = new ManualClock('2026-12-02T08:00:00Z');
    const before = turnEpochMs(clock);
    clock.advance(1500);
    expect(turnEpochMs(clock)).toBe(before + 1500);
  });
});
