/** Tables for shows on the calendar, their go/no-go checks, test orders, policy bundles and overrides. */
export const shows: readonly string[] = [];
