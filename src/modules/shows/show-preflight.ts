import type { DocumentApprovalState } from '../approvals/ports.js';
import { checkDeliveryPromises, type RegionCapabilities } from './delivery-promises.js';
import type { StreamProbeResult } from './stream-probe.js';

/**
 * The go/no-go gate (seed 004: "a single go/no-go checklist for the hour before any show:
 * stream health, payment test, legal green light, and a rollback contact list"). A pure
 * function over facts gathered beforehand, so every rule is tested without a database.
 */

export interface PreflightCheck {
  /** Stable name the API reports in `details.failing`: `link_tested:<offerId>`, `manual:host_ready`. */
  name: string;
  label: string;
  kind: 'automatic' | 'manual';
  passed: boolean;
  detail: string;
  /** For manual checks: the role that confirms it. */
  role?: string;
}

export interface OfferFacts {
  id: string;
  title: string;
  status: string;
  reservedUnits: number;
}

export interface LinkTestFacts {
  orderId: string;
  paymentCleared: boolean;
  crmConfirmedVia: 'integration' | 'manual' | null;
  crmConfirmedBy: string | null;
  crmConfirmedAt: Date | null;
}

export interface ManualCheckFacts {
  name: string;
  role: string;
  label: string;
  confirmedByName: string | null;
  confirmedAt: Date | null;
}

export interface PolicyBundleFacts {
  finalCopyDocumentId: string;
  finalCopyVersionId: string;
  submittedAt: Date;
}

export interface RollbackContactFacts {
  name: string;
  phone: string | null;
  email: string | null;
}

export interface PreflightFacts {
  offers: Array<{
    offerId: string;
    offer: OfferFacts | undefined;
    linkTest: LinkTestFacts | undefined;
  }>;
  documents: Array<{
    documentId: string;
    /** The pinned version; null = the current one. */
    versionId: string | null;
    state: DocumentApprovalState | undefined;
  }>;
  streamUrl: string | null;
  /** The probe's answer; undefined when there is no URL to probe. */
  stream: StreamProbeResult | undefined;
  rollbackContacts: RollbackContactFacts[];
  markets: string[];
  regions: RegionCapabilities[];
  manualChecks: ManualCheckFacts[];
  /** Only agency-managed shows need a policy bundle. */
  policyBundle: { required: boolean; bundle: PolicyBundleFacts | undefined };
}

/** Offer states in which the reserve is held for the show. */
const reservedStatuses = ['armed', 'live'];

function offerChecks(facts: PreflightFacts): PreflightCheck[] {
  if (facts.offers.length === 0) {
    return [
      {
        name: 'offers_attached',
        label: 'Offers attached',
        kind: 'automatic',
        passed: false,
        detail: 'The show sells nothing yet: attach its offers',
      },
    ];
  }
  return facts.offers.flatMap(({ offerId, offer, linkTest }) => {
    const title = offer?.title ?? offerId;
    const armed = offer && reservedStatuses.includes(offer.status) && offer.reservedUnits > 0;
    const reserveDetail = !offer
      ? 'The offer no longer exists'
      : armed
        ? `${offer.status}, ${offer.reservedUnits} units reserved`
        : `The offer is ${offer.status}: arm it to reserve stock`;
    let linkDetail: string;
    let linkPassed = false;
    if (!linkTest) linkDetail = 'No test order has been recorded through this link';
    else if (!linkTest.paymentCleared)
      linkDetail = `Test order ${linkTest.orderId} did not clear payment`;
    else if (!linkTest.crmConfirmedAt)
      linkDetail = `Test order ${linkTest.orderId} paid; its CRM tag is not confirmed yet`;
    else {
      linkPassed = true;
      linkDetail = `Test order ${linkTest.orderId} paid; CRM tag confirmed by ${linkTest.crmConfirmedBy} (${linkTest.crmConfirmedVia})`;
    }
    return [
      {
        name: `reserves_armed:${offerId}`,
        label: `Inventory reserve armed: ${title}`,
        kind: 'automatic' as const,
        passed: Boolean(armed),
        detail: reserveDetail,
      },
      {
        name: `link_tested:${offerId}`,
        label: `Commerce link tested: ${title}`,
        kind: 'automatic' as const,
        passed: linkPassed,
        detail: linkDetail,
      },
    ];
  });
}

/** The version the show will use: the pinned one, else whatever is current. */
export function usedVersionOf(document: PreflightFacts['documents'][number]): string | null {
  return document.versionId ?? document.state?.currentVersionId ?? null;
}

function approvalDetail(document: PreflightFacts['documents'][number]): [boolean, string] {
  const { state, versionId } = document;
  if (!state) return [false, 'The document no longer exists'];
  if (versionId && versionId !== state.currentVersionId) {
    return [
      false,
      `The show uses an earlier version; the document is now at version ${state.currentVersionNumber}: attach the version that will be read`,
    ];
  }
  if (!state.approved || state.approvedVersionId !== state.currentVersionId) {
    return [
      false,
      state.approvedVersionId
        ? `Version ${state.currentVersionNumber} is not approved (an earlier version was)`
        : `Version ${state.currentVersionNumber} is not approved yet`,
    ];
  }
  return [true, `Version ${state.currentVersionNumber} approved`];
}

function documentChecks(facts: PreflightFacts): PreflightCheck[] {
  if (facts.documents.length === 0) {
    return [
      {
        name: 'documents_attached',
        label: 'Approved copy attached',
        kind: 'automatic',
        passed: false,
        detail: 'No script or copy is attached: attach the documents the show will use',
      },
    ];
  }
  return facts.documents.flatMap((document) => {
    const title = document.state?.title ?? document.documentId;
    const [approved, detail] = approvalDetail(document);
    const promises = document.state
      ? checkDeliveryPromises({
          copy: document.state.content,
          markets: facts.markets,
          regions: facts.regions,
        })
      : { passed: false, detail: 'The document no longer exists' };
    return [
      {
        name: `documents_approved:${document.documentId}`,
        label: `Approved at the version used: ${title}`,
        kind: 'automatic' as const,
        passed: approved,
        detail,
      },
      {
        name: `delivery_promises:${document.documentId}`,
        label: `Delivery promises match fulfilment: ${title}`,
        kind: 'automatic' as const,
        passed: promises.passed,
        detail: promises.detail,
      },
    ];
  });
}

function streamCheck(facts: PreflightFacts): PreflightCheck {
  const base = { name: 'stream_health', label: 'Stream health', kind: 'automatic' as const };
  if (!facts.streamUrl)
    return { ...base, passed: false, detail: 'No ingest or playback URL is configured' };
  if (!facts.stream) return { ...base, passed: false, detail: 'The stream was not probed' };
  return { ...base, passed: facts.stream.healthy, detail: facts.stream.detail };
}

function rollbackCheck(facts: PreflightFacts): PreflightCheck {
  const reachable = facts.rollbackContacts.filter(
    (contact) => contact.name.trim() && (contact.phone || contact.email),
  );
  return {
    name: 'rollback_contacts',
    label: 'Rollback contacts',
    kind: 'automatic',
    passed: reachable.length > 0,
    detail:
      reachable.length > 0
        ? reachable.map((contact) => contact.name).join(', ')
        : 'Nobody to call if the show must be pulled: add a contact with a phone or e-mail',
  };
}

function policyBundleCheck(facts: PreflightFacts): PreflightCheck[] {
  if (!facts.policyBundle.required) return [];
  const base = {
    name: 'policy_bundle',
    label: 'Agency policy bundle',
    kind: 'automatic' as const,
  };
  const { bundle } = facts.policyBundle;
  if (!bundle) {
    return [
      {
        ...base,
        passed: false,
        detail:
          'The agency has not submitted the policy bundle (final copy, checkout screenshot, legal exception)',
      },
    ];
  }
  const document = facts.documents.find((doc) => doc.documentId === bundle.finalCopyDocumentId);
  if (!document) {
    return [
      { ...base, passed: false, detail: "The bundle's final copy is not a document of this show" },
    ];
  }
  if (usedVersionOf(document) !== bundle.finalCopyVersionId) {
    return [
      {
        ...base,
        passed: false,
        detail: "The bundle's final copy is not the version the show will use",
      },
    ];
  }
  return [{ ...base, passed: true, detail: `Submitted ${bundle.submittedAt.toISOString()}` }];
}

function manualChecks(facts: PreflightFacts): PreflightCheck[] {
  return facts.manualChecks.map((check) => ({
    name: `manual:${check.name}`,
    label: check.label,
    kind: 'manual' as const,
    role: check.role,
    passed: check.confirmedAt !== null,
    detail: check.confirmedAt
      ? `Confirmed by ${check.confirmedByName ?? 'a former member'}`
      : `Waiting for the ${check.role.replace('_', ' ')} to confirm`,
  }));
}

export function evaluatePreflight(facts: PreflightFacts): PreflightCheck[] {
  return [
    ...offerChecks(facts),
    ...documentChecks(facts),
    streamCheck(facts),
    rollbackCheck(facts),
    ...policyBundleCheck(facts),
    ...manualChecks(facts),
  ];
}

export function failingChecks(checks: readonly PreflightCheck[]): string[] {
  return checks.filter((check) => !check.passed).map((check) => check.name);
}
