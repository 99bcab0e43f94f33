/**
 * The jobs shows put on the durable scheduler. Keys are unique per organisation; scheduling a
 * key again moves the pending job, so a rescheduled show moves its deadline.
 */
export const policyBundleDeadlineKind = 'policy_bundle.deadline';
export const checkoutSampleKind = 'show.checkout_sample';

/** Seed 004: the agency submits the policy bundle 72 hours before the promo window. */
export const policyBundleLeadMs = 72 * 60 * 60 * 1000;

/** Seed 004: "if you grant an emergency override ... require hourly checkout sampling for 6 hours". */
export const checkoutSampleCount = 6;
export const checkoutSampleIntervalMs = 60 * 60 * 1000;

export function policyBundleDeadlineKey(showId: string): string {
  return `${policyBundleDeadlineKind}:${showId}`;
}

export function checkoutSampleKey(showId: string, sampleNumber: number): string {
  return `${checkoutSampleKind}:${showId}:${sampleNumber}`;
}

export function policyBundleDueAt(startsAt: Date): Date {
  return new Date(startsAt.getTime() - policyBundleLeadMs);
}
