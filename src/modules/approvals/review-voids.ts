import type { Actor, Role } from '../access/index.js';
import type { ApprovalsStore } from './approvals.store.js';
import type { DocumentRow, VersionRow } from './documents.repository.js';
import { type Effects, noEffects } from './review-effects.js';
import { documentLink } from './review-sla.js';

/**
 * Inside a version save's transaction: a new version voids the open review (its pending
 * assignments) and any approval of an earlier version. Returns what to tell after commit.
 */
export async function voidForNewVersion(
  tx: ApprovalsStore,
  actor: Actor,
  document: DocumentRow,
  previous: VersionRow,
  next: VersionRow,
): Promise<{ effects: Effects; status: DocumentRow['status'] }> {
  const effects = noEffects();
  const organizationId = document.organizationId;
  const now = next.createdAt;
  const open = await tx.reviews.findOpenRound(organizationId, document.id);
  const voided = {
    previousVersionId: previous.id,
    previousVersionNumber: previous.number,
    previousContentHash: previous.contentHash,
    newVersionId: next.id,
    newVersionNumber: next.number,
    newContentHash: next.contentHash,
  };
  const rolesToTell = new Set<Role>();
  if (open) {
    const assignments = await tx.reviews.listAssignments(organizationId, [open.id]);
    const pending = assignments.filter((a) => a.status === 'pending').map((a) => a.id);
    await tx.reviews.updateAssignments(organizationId, pending, { status: 'voided' }, 'pending');
    await tx.reviews.updateRound(organizationId, open.id, {
      status: 'voided',
      closedAt: now,
      voidedAt: now,
      voidedByVersionId: next.id,
    });
    for (const a of assignments) rolesToTell.add(a.role as Role);
    effects.untrack.push(...pending);
    effects.audits.push({
      organizationId,
      actor,
      action: 'approval.voided',
      subjectType: 'document',
      subjectId: document.id,
      reason: 'The version under review was edited',
      data: { ...voided, voided: 'review', roundId: open.id },
    });
  }
  if (document.approvedVersionId) {
    const rounds = await tx.reviews.listRounds(organizationId, document.id);
    const approvedRound = rounds.find(
      (round) => round.status === 'approved' && round.versionId === document.approvedVersionId,
    );
    if (approvedRound) {
      await tx.reviews.updateRound(organizationId, approvedRound.id, {
        voidedAt: now,
        voidedByVersionId: next.id,
      });
      const approvals = await tx.reviews.listAssignments(organizationId, [approvedRound.id]);
      for (const a of approvals) rolesToTell.add(a.role as Role);
    }
    effects.audits.push({
      organizationId,
      actor,
      action: 'approval.voided',
      subjectType: 'document',
      subjectId: document.id,
      reason: 'The approved document was edited',
      data: {
        ...voided,
        voided: 'approval',
        approvedVersionId: document.approvedVersionId,
        approvedContentHash: document.approvedContentHash,
        roundId: approvedRound?.id ?? null,
      },
    });
  }
  if (rolesToTell.size > 0) {
    effects.notifications.push({
      organizationId,
      kind: 'approval.voided',
      title: `Edited after review: ${document.title}`,
      body: `v${next.number} of “${document.title}” replaced v${previous.number}; ${document.approvedVersionId ? 'its approval' : 'the review under way'} no longer holds and it must be submitted again.`,
      link: documentLink(document.id),
      recipients: { roles: [...rolesToTell] },
      data: { documentId: document.id, ...voided },
    });
  }
  // A returned document stays returned, so its next review gets the re-review window.
  const status = document.status === 'returned' ? 'returned' : 'draft';
  return { effects, status };
}
