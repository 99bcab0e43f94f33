import { describe, expect, it } from 'vitest';
import type { DocumentApprovalState } from '../approvals/ports.js';
import { evaluatePreflight, failingChecks, type PreflightFacts } from './show-preflight.js';

const script: DocumentApprovalState = {
  documentId: 'doc-1',
  title: 'Host script',
  type: 'host_script',
  currentVersionId: 'v2',
  currentVersionNumber: 2,
  approvedVersionId: 'v2',
  approved: true,
  content: 'Next-day delivery in France only. Tap the link now.',
};

/** A show where every check passes; each test breaks one thing. */
function readyShow(): PreflightFacts {
  return {
    offers: [
      {
        offerId: 'offer-1',
        offer: { id: 'offer-1', title: 'Glow drop', status: 'armed', reservedUnits: 200 },
        linkTest: {
          orderId: 'order-1',
          paymentCleared: true,
          crmConfirmedVia: 'manual',
          crmConfirmedBy: 'Rita Reporting',
          crmConfirmedAt: new Date('2026-01-01T10:00:00Z'),
        },
      },
    ],
    documents: [{ documentId: 'doc-1', versionId: null, state: script }],
    streamUrl: 'https://cdn.example/live.m3u8',
    stream: { healthy: true, detail: 'cdn.example answered HTTP 200' },
    rollbackContacts: [{ name: 'Priya', phone: '+44 20 0000 0000', email: null }],
    markets: [],
    regions: [
      { name: 'EU next-day', countries: ['FR'], capabilities: ['next_day'], priority: 1 },
      { name: 'EU standard', countries: ['ES'], capabilities: ['standard'], priority: 2 },
    ],
    manualChecks: [
      {
        name: 'host_ready',
        role: 'host',
        label: 'Host ready',
        confirmedByName: 'Hana',
        confirmedAt: new Date('2026-01-01T10:00:00Z'),
      },
    ],
    policyBundle: { required: false, bundle: undefined },
  };
}

const failing = (facts: PreflightFacts) => failingChecks(evaluatePreflight(facts));

describe('the go/no-go preflight', () => {
  it('passes a show with everything in place', () => {
    const checks = evaluatePreflight(readyShow());
    expect(checks.map((check) => check.name)).toEqual([
      'reserves_armed:offer-1',
      'link_tested:offer-1',
      'documents_approved:doc-1',
      'delivery_promises:doc-1',
      'stream_health',
      'rollback_contacts',
      'manual:host_ready',
    ]);
    expect(failingChecks(checks)).toEqual([]);
  });

  it('fails a show that sells nothing and has no copy', () => {
    expect(failing({ ...readyShow(), offers: [], documents: [] })).toEqual([
      'offers_attached',
      'documents_attached',
    ]);
  });

  it('fails an offer whose reserve is not armed, or was paused by the kill switch', () => {
    for (const status of ['draft', 'approved', 'paused', 'closed']) {
      const facts = readyShow();
      const [entry] = facts.offers;
      if (entry?.offer) entry.offer.status = status;
      expect(failing(facts)).toEqual(['reserves_armed:offer-1']);
    }
  });

  it('fails a link until a test order cleared payment and its CRM tag was confirmed', () => {
    const facts = readyShow();
    const [entry] = facts.offers;
    if (!entry?.linkTest) throw new Error('fixture');
    entry.linkTest.crmConfirmedAt = null;
    const [check] = evaluatePreflight(facts).filter((c) => c.name === 'link_tested:offer-1');
    expect(check).toMatchObject({ passed: false, detail: expect.stringContaining('CRM tag') });
    entry.linkTest = undefined;
    expect(failing(facts)).toEqual(['link_tested:offer-1']);
  });

  it('fails a document whose current version is not the approved one', () => {
    const facts = readyShow();
    facts.documents = [
      {
        documentId: 'doc-1',
        versionId: null,
        state: { ...script, currentVersionId: 'v3', currentVersionNumber: 3, approved: false },
      },
    ];
    expect(failing(facts)).toEqual(['documents_approved:doc-1']);
  });

  it('fails a document pinned at a version that is no longer the current one', () => {
    const facts = readyShow();
    facts.documents = [{ documentId: 'doc-1', versionId: 'v1', state: script }];
    expect(failing(facts)).toEqual(['documents_approved:doc-1']);
  });

  it('passes a document pinned at its approved current version', () => {
    const facts = readyShow();
    facts.documents = [{ documentId: 'doc-1', versionId: 'v2', state: script }];
    expect(failing(facts)).toEqual([]);
  });

  it('fails copy promising next-day where a market cannot have it (seed 004)', () => {
    const facts = readyShow();
    facts.documents = [
      {
        documentId: 'doc-1',
        versionId: null,
        state: { ...script, content: 'Next-day delivery on all orders!' },
      },
    ];
    const checks = evaluatePreflight(facts);
    expect(failingChecks(checks)).toEqual(['delivery_promises:doc-1']);
    expect(checks.find((c) => c.name === 'delivery_promises:doc-1')?.detail).toContain('ES');
  });

  it('fails a missing or unhealthy stream', () => {
    expect(failing({ ...readyShow(), streamUrl: null, stream: undefined })).toEqual([
      'stream_health',
    ]);
    expect(failing({ ...readyShow(), stream: { healthy: false, detail: 'HTTP 404' } })).toEqual([
      'stream_health',
    ]);
  });

  it('fails without a reachable rollback contact', () => {
    expect(failing({ ...readyShow(), rollbackContacts: [] })).toEqual(['rollback_contacts']);
    expect(
      failing({ ...readyShow(), rollbackContacts: [{ name: 'Nobody', phone: null, email: null }] }),
    ).toEqual(['rollback_contacts']);
  });

  it('fails an unconfirmed manual check and names the role that confirms it', () => {
    const facts = readyShow();
    facts.manualChecks = [
      {
        name: 'ctas_queued',
        role: 'comms',
        label: 'CTAs queued',
        confirmedByName: null,
        confirmedAt: null,
      },
    ];
    const [check] = evaluatePreflight(facts).filter((c) => c.kind === 'manual');
    expect(check).toMatchObject({ name: 'manual:ctas_queued', role: 'comms', passed: false });
  });

  it('asks agency-managed shows for a policy bundle whose final copy is the version used', () => {
    const facts = readyShow();
    facts.policyBundle = { required: true, bundle: undefined };
    expect(failing(facts)).toEqual(['policy_bundle']);
    const bundle = {
      finalCopyDocumentId: 'doc-1',
      finalCopyVersionId: 'v1',
      submittedAt: new Date(),
    };
    facts.policyBundle = { required: true, bundle };
    expect(failing(facts)).toEqual(['policy_bundle']);
    facts.policyBundle = { required: true, bundle: { ...bundle, finalCopyVersionId: 'v2' } };
    expect(failing(facts)).toEqual([]);
  });
});
