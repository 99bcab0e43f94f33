import type { Role } from '../access/index.js';
import type { AuditEntryInput } from '../audit/audit-recorder.js';
import type { NotificationInput } from '../notifications/ports.js';
import { type DocumentType, documentTypeLabels } from './approval-matrix.js';
import type { DocumentRow, VersionRow } from './documents.repository.js';
import { documentLink } from './review-sla.js';
import type { AssignmentRow, RoundRow } from './reviews.repository.js';

/**
 * What a review transaction decided to tell the world once it has committed: SLA jobs to
 * start and stop, audit entries, notifications. Nothing outside the module is called inside
 * the transaction (on PGlite it holds the only connection).
 */
export interface Effects {
  track: AssignmentRow[];
  untrack: string[];
  audits: AuditEntryInput[];
  notifications: NotificationInput[];
}

export const noEffects = (): Effects => ({ track: [], untrack: [], audits: [], notifications: [] });

function label(document: DocumentRow): string {
  return documentTypeLabels[document.type as DocumentType] ?? document.type;
}

/** To the roles of a stage that just opened. */
export function requestNotice(
  document: DocumentRow,
  version: VersionRow,
  opened: AssignmentRow[],
): NotificationInput {
  const deadline = opened[0]?.deadline;
  return {
    organizationId: document.organizationId,
    kind: 'approval.requested',
    title: `Review requested: ${document.title} (v${version.number})`,
    body: `${label(document)} “${document.title}” waits on your review${deadline ? `, due ${deadline.toISOString()}` : ''}. Approve it, or return it with comments on its lines.`,
    link: documentLink(document.id),
    recipients: { roles: [...new Set(opened.map((a) => a.role as Role))] },
    data: {
      documentId: document.id,
      versionId: version.id,
      stage: (opened[0]?.stage ?? 0) + 1,
      deadline: deadline?.toISOString() ?? null,
    },
  };
}

/** To whoever submitted the round and wrote the version; social ops when nobody did. */
export function authorNotice(
  round: RoundRow,
  version: VersionRow,
  notice: { kind: string; title: string; body: string; document: DocumentRow },
): NotificationInput {
  const userIds = [
    ...new Set(
      [round.submittedByUserId, version.authorKind === 'user' ? version.authorId : null].filter(
        (id): id is string => id !== null,
      ),
    ),
  ];
  return {
    organizationId: round.organizationId,
    kind: notice.kind,
    title: notice.title,
    body: notice.body,
    link: documentLink(notice.document.id),
    recipients: userIds.length > 0 ? { userIds } : { roles: ['social_ops'] },
    data: {
      documentId: notice.document.id,
      versionId: version.id,
      contentHash: version.contentHash,
    },
  };
}
