/**
 * Suites that need PostgreSQL, Redis or Chromium skip with a line saying why when the service
 * is missing, and fail instead when MYDROP_REQUIRE_SERVICES=1 (as in CI).
 */
export const servicesRequired = process.env.MYDROP_REQUIRE_SERVICES === '1';

/** True when the suite should be skipped. Throws when the service is required but missing. */
export function skipWithout(service: string, available: boolean, why: string): boolean {
  if (available) return false;
  if (servicesRequired) {
    throw new Error(`${service} is required (MYDROP_REQUIRE_SERVICES=1) but unavailable: ${why}`);
  }
  console.warn(`skipping ${service} tests: ${why}`);
  return true;
}
