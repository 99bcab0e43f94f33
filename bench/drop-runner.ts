import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  abandonsHold,
  type ClaimAnswer,
  type DropTarget,
  type InventoryAudit,
  retriesClaim,
  summarizeLatencies,
  type WorkloadPlan,
} from './drop-workload.js';

/** What one drop did, as the shoppers saw it. Plain data: it crosses process boundaries. */
export interface DropResult {
  shoppers: number;
  latecomers: number;
  /** Claims answered in the burst, first tries and retries (the figure decisions/s is over). */
  decisions: number;
  lateDecisions: number;
  /** From the first claim sent to the last burst claim answered. */
  claimPhaseMs: number;
  decisionsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Latency of the burst's claims answered with a hold (first tries and retries). */
  winnersP50Ms: number;
  winnersP99Ms: number;
  holds: number;
  refusals: Record<string, number>;
  errors: number;
  firstError: string | null;
  /** Retries of a winning key that did not get the same hold back: must be 0. */
  retryMismatches: number;
  winners: number;
  abandoned: number;
  checkouts: number;
  checkoutFailures: number;
  /** Units paid for, counted by the shoppers. */
  unitsSold: number;
  /** From the first claim until every reserved unit was paid for; null if it never was. */
  sellOutMs: number | null;
}

const yieldEvery = 32;
const collectGarbage = (globalThis as { gc?: () => void }).gc;

function shopperId(plan: WorkloadPlan, index: number): string {
  return `${plan.prefix}-shopper-${index}`;
}

function keyOf(plan: WorkloadPlan, index: number): string {
  return `${plan.prefix}-key-${index}`;
}

/**
 * The string as a server receives it: one flat run of characters. A template literal makes a
 * rope (a concatenation V8 flattens on first use as a key), which would charge the system
 * under test for the driver's way of building ids.
 */
export function flat(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

/**
 * Runs the drop against a target: a burst of shoppers as fast as `lanes` concurrent shoppers
 * allow, then (optionally) a trickle of latecomers who take the units abandoned holds give
 * back at expiry. Each shopper claims once (some twice with the same key), and a winner either
 * pays after a think time or walks away.
 */
export async function runDrop(target: DropTarget, plan: WorkloadPlan): Promise<DropResult> {
  // Written once now: a fresh array's pages are mapped on first write, which this VM does at
  // 15-30 us a page (3.5 MB for 220,000 decisions), and that is the client's cost, not the
  // system's under test.
  const latencies = new Float64Array(plan.shoppers * 2).fill(0);
  let samples = 0;
  const winnerLatencies: number[] = [];
  const refusals: Record<string, number> = {};
  const state = {
    decisions: 0,
    lateDecisions: 0,
    holds: 0,
    errors: 0,
    firstError: null as string | null,
    retryMismatches: 0,
    winners: 0,
    abandoned: 0,
    checkouts: 0,
    checkoutFailures: 0,
    unitsSold: 0,
    sellOutAt: null as number | null,
  };
  // Ids and keys are the client's to prepare: built before the clock starts.
  const shoppers = Array.from({ length: plan.shoppers }, (_, i) => flat(shopperId(plan, i)));
  const keys = Array.from({ length: plan.shoppers }, (_, i) => flat(keyOf(plan, i)));
  const payments = new Set<Promise<void>>();
  // With --expose-gc (npm run bench:drop), the preparation's garbage is collected and its ids
  // promoted before the clock starts, so the burst does not pay for copying them.
  collectGarbage?.();
  const start = performance.now();
  let lastDecisionAt = start;

  /**
   * Records an answer; latency and decisions/s count only the burst. Answers the time it was
   * answered (for the burst), which the lane's next claim sent at once takes as its send time:
   * one clock read per decision, and a latency that includes the driver's own bookkeeping in
   * between, so it can only be overstated.
   */
  const record = (answer: ClaimAnswer, sentAt: number, late: boolean): number => {
    if ('error' in answer) {
      state.errors += 1;
      state.firstError ??= answer.error;
    } else if ('hold' in answer) state.holds += 1;
    else refusals[answer.refused] = (refusals[answer.refused] ?? 0) + 1;
    if (late) {
      if (!('error' in answer)) state.lateDecisions += 1;
      return 0;
    }
    const answeredAt = performance.now();
    if ('error' in answer) return answeredAt;
    state.decisions += 1;
    latencies[samples++] = answeredAt - sentAt;
    if ('hold' in answer) winnerLatencies.push(answeredAt - sentAt);
    if (answeredAt > lastDecisionAt) lastDecisionAt = answeredAt;
    return answeredAt;
  };

  /** A winner pays after a think time, off the lane: the lane serves the next shopper. */
  const pay = async (holdId: string) => {
    await sleep(plan.thinkMs);
    let paid = false;
    try {
      paid = await target.checkout(holdId);
    } catch (error) {
      state.firstError ??= `checkout: ${String(error)}`;
    }
    if (!paid) {
      state.checkoutFailures += 1;
      return;
    }
    state.checkouts += 1;
    state.unitsSold += 1;
    if (state.unitsSold === plan.reserved) state.sellOutAt = performance.now();
  };

  /** Asks the target; a throw or a rejection becomes an error answer. */
  const ask = (lane: number, shopper: string, key: string): ClaimAnswer | Promise<ClaimAnswer> => {
    try {
      const answer = target.claim(lane, shopper, key);
      if (answer instanceof Promise) return answer.catch((error) => ({ error: String(error) }));
      return answer;
    } catch (error) {
      return { error: String(error) };
    }
  };

  /** After the shopper's claims were answered: a winner pays later or walks away. */
  const settle = (answer: ClaimAnswer, late: boolean) => {
    if (!('hold' in answer)) return;
    const winner = state.winners++;
    if (!late && abandonsHold(winner)) {
      state.abandoned += 1;
      return;
    }
    const payment: Promise<void> = pay(answer.hold).finally(() => payments.delete(payment));
    payments.add(payment);
  };

  /** The retry with the same key must get the first hold back. */
  const retried = (answer: ClaimAnswer, again: ClaimAnswer): ClaimAnswer => {
    if (!('hold' in answer)) return again;
    if (!('hold' in again) || again.hold !== answer.hold) state.retryMismatches += 1;
    return answer;
  };

  // Answers known at once are recorded synchronously: the driver adds as little as possible
  // per decision to what it measures (no promise unless the target made one). `sentAt` is the
  // time the lane's previous answer was recorded when this claim follows it in the same
  // synchronous run, else a fresh reading; a latecomer's latency is not measured.
  // Answers the lane's latest clock reading, or a promise when the target made one.
  const shop = (
    lane: number,
    index: number,
    late: boolean,
    sentAt: number,
  ): number | Promise<void> => {
    const shopper = late ? shopperId(plan, index) : (shoppers[index] as string);
    const key = late ? keyOf(plan, index) : (keys[index] as string);
    const first = ask(lane, shopper, key);
    if (first instanceof Promise) {
      return first.then((answer) => {
        const answeredAt = record(answer, sentAt, late);
        const again = retry(lane, index, late, shopper, key, answer, answeredAt);
        return typeof again === 'number' ? undefined : again;
      });
    }
    return retry(lane, index, late, shopper, key, first, record(first, sentAt, late));
  };

  const retry = (
    lane: number,
    index: number,
    late: boolean,
    shopper: string,
    key: string,
    answer: ClaimAnswer,
    sentAt: number,
  ): number | Promise<void> => {
    if (!retriesClaim(index)) {
      settle(answer, late);
      return sentAt;
    }
    const again = ask(lane, shopper, key);
    if (again instanceof Promise) {
      return again.then((second) => {
        record(second, sentAt, late);
        settle(retried(answer, second), late);
      });
    }
    const answeredAt = record(again, sentAt, late);
    settle(retried(answer, again), late);
    return answeredAt;
  };

  let next = 0;
  await Promise.all(
    Array.from({ length: plan.lanes }, async (_, lane) => {
      let served = 0;
      let clock = performance.now();
      while (next < plan.shoppers) {
        const answered = shop(lane, next++, false, clock);
        if (typeof answered === 'number') clock = answered;
        else {
          await answered;
          clock = performance.now();
        }
        // An in-process answer resolves as a microtask: without a turn of the event loop now
        // and then, timers (payments) and I/O (hold writes) would wait for the whole burst.
        if (++served % yieldEvery === 0) {
          await new Promise(setImmediate);
          clock = performance.now();
        }
      }
    }),
  );

  let latecomers = 0;
  if (plan.latecomersPerSecond > 0 && state.unitsSold < plan.reserved) {
    // Latecomers keep coming while payments are pending: some of those may yet fail.
    latecomers = await trickle(
      plan,
      (lane, index) => shop(lane, index, true, 0),
      () => {
        return state.unitsSold >= plan.reserved;
      },
    );
  }
  while (payments.size > 0) await Promise.all(payments);

  const claimPhaseMs = lastDecisionAt - start;
  return {
    shoppers: plan.shoppers,
    latecomers,
    decisions: state.decisions,
    lateDecisions: state.lateDecisions,
    claimPhaseMs,
    decisionsPerSecond: claimPhaseMs > 0 ? (state.decisions / claimPhaseMs) * 1000 : 0,
    ...summarizeLatencies(latencies.subarray(0, samples)),
    ...winnersSummary(winnerLatencies),
    holds: state.holds,
    refusals,
    errors: state.errors,
    firstError: state.firstError,
    retryMismatches: state.retryMismatches,
    winners: state.winners,
    abandoned: state.abandoned,
    checkouts: state.checkouts,
    checkoutFailures: state.checkoutFailures,
    unitsSold: state.unitsSold,
    sellOutMs: state.sellOutAt === null ? null : state.sellOutAt - start,
  };
}

function winnersSummary(samples: number[]): { winnersP50Ms: number; winnersP99Ms: number } {
  const { p50Ms, p99Ms } = summarizeLatencies(Float64Array.from(samples));
  return { winnersP50Ms: p50Ms, winnersP99Ms: p99Ms };
}

/**
 * Sends new shoppers at a steady rate, each on a free lane, until `done()` or the window
 * closes; then waits for those in flight. Answers how many came.
 */
async function trickle(
  plan: WorkloadPlan,
  shop: (lane: number, index: number) => number | Promise<void>,
  done: () => boolean,
): Promise<number> {
  const free = Array.from({ length: plan.lanes }, (_, lane) => lane);
  const inFlight = new Set<Promise<unknown>>();
  const began = performance.now();
  let sent = 0;
  while (!done() && performance.now() - began < plan.latecomerWindowMs) {
    const due = Math.floor(((performance.now() - began) / 1000) * plan.latecomersPerSecond);
    while (sent < due && free.length > 0) {
      const lane = free.pop() as number;
      const index = plan.shoppers + sent++;
      const answered = shop(lane, index);
      const flight: Promise<unknown> = Promise.resolve(answered).finally(() => {
        inFlight.delete(flight);
        free.push(lane);
      });
      inFlight.add(flight);
    }
    await sleep(5);
  }
  await Promise.all(inFlight);
  return sent;
}

/**
 * The books as the shoppers saw them, for targets with no expiry and no database (the
 * ceilings): every winner holds a unit until it pays or the run ends.
 */
export function clientSideAudit(result: DropResult, reserved: number): InventoryAudit {
  return {
    reserved,
    sold: result.unitsSold,
    held: result.winners - result.unitsSold,
    peakCommitted: result.winners,
    problems: [],
  };
}
