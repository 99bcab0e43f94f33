import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runDrop } from './drop-runner.js';
import type { ClaimAnswer, DropTarget, WorkloadPlan } from './drop-workload.js';

function plan(shoppers: number, reserved: number): WorkloadPlan {
  return {
    shoppers,
    lanes: 8,
    reserved,
    latecomersPerSecond: 0,
    latecomerWindowMs: 0,
    thinkMs: 1,
    prefix: `test-${shoppers}-${reserved}`,
  };
}

/** Units counted down; each key keeps its first answer, as a correct system does. */
function countingTarget(reserved: number, delayMs: number | null): DropTarget {
  let left = reserved;
  let holds = 0;
  const answers = new Map<string, ClaimAnswer>();
  const decide = (key: string): ClaimAnswer => {
    const first = answers.get(key);
    if (first) return first;
    const answer: ClaimAnswer = left > 0 ? { hold: `h${++holds}` } : { refused: 'sold_out' };
    if (left > 0) left -= 1;
    answers.set(key, answer);
    return answer;
  };
  return {
    claim(_lane, _shopper, key) {
      if (delayMs === null) return decide(key);
      const answer = decide(key);
      return sleep(delayMs).then(() => answer);
    },
    async checkout() {
      return true;
    },
  };
}

describe('the drop driver', () => {
  it('counts every decision, retry and payment of answers given at once', async () => {
    const result = await runDrop(countingTarget(50, null), plan(1000, 50));
    // One shopper in ten sends the claim twice.
    expect(result.decisions).toBe(1100);
    expect(result.holds).toBe(50 + 5); // five winners among the retrying shoppers
    expect(result.refusals).toEqual({ sold_out: 1045 });
    expect(result.retryMismatches).toBe(0);
    expect(result.winners).toBe(50);
    expect(result.abandoned).toBe(15);
    expect(result.unitsSold).toBe(35);
    expect(result.errors).toBe(0);
    expect(result.p50Ms).toBeGreaterThanOrEqual(0);
    expect(result.decisionsPerSecond).toBeGreaterThan(0);
  });

  it('never reports a latency shorter than the answer took', async () => {
    const result = await runDrop(countingTarget(4, 20), plan(40, 4));
    expect(result.decisions).toBe(44);
    expect(result.p50Ms).toBeGreaterThanOrEqual(19);
    expect(result.winnersP50Ms).toBeGreaterThanOrEqual(19);
  });

  it('counts a retry answered with another hold, and errors apart from decisions', async () => {
    let calls = 0;
    const target: DropTarget = {
      claim(_lane, shopper) {
        calls += 1;
        if (shopper.endsWith('-shopper-3')) throw new Error('broken');
        return { hold: `h${calls}` }; // a new hold for the retry: wrong
      },
      async checkout() {
        return true;
      },
    };
    const result = await runDrop(target, plan(20, 100));
    expect(result.errors).toBe(1);
    expect(result.firstError).toContain('broken');
    expect(result.decisions).toBe(19 + 2);
    expect(result.retryMismatches).toBe(2);
  });
});
