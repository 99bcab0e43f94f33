import type { JobHandler } from '../notifications/ports.js';
import { PolicyBundleService } from './policy-bundle.service.js';
import { ShowChecksService } from './show-checks.service.js';
import { ShowGateService } from './show-gate.service.js';
import { checkoutSampleKind, policyBundleDeadlineKind } from './show-jobs.js';
import type { ShowsDeps } from './show-ports.js';
import { ShowsService } from './shows.service.js';

export type { RegionCapabilities } from './delivery-promises.js';
export { showGateRoutes } from './show-gate.routes.js';
export type { CampaignFacts, ShowCommerce, ShowsDeps } from './show-ports.js';
export { ShowsRepository } from './shows.repository.js';
export { showsRoutes } from './shows.routes.js';
export { createStreamProbe, type StreamProbe } from './stream-probe.js';

/** The shows module's services: the calendar, the checks, the gate, the policy bundle. */
export interface ShowServices {
  calendar: ShowsService;
  checks: ShowChecksService;
  gate: ShowGateService;
  policyBundles: PolicyBundleService;
}

export function createShowServices(deps: ShowsDeps): ShowServices {
  return {
    calendar: new ShowsService(deps),
    checks: new ShowChecksService(deps),
    gate: new ShowGateService(deps),
    policyBundles: new PolicyBundleService(deps),
  };
}

/** The scheduler jobs shows run, by kind, for the composition root to register. */
export function showJobHandlers(shows: ShowServices): Record<string, JobHandler> {
  return {
    [policyBundleDeadlineKind]: (job) => shows.policyBundles.runDeadline(job),
    [checkoutSampleKind]: (job) => shows.gate.runCheckoutSample(job),
  };
}
