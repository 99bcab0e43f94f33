import type { Role } from '../access/index.js';
import type { DocumentType, MatrixRow } from './approval-matrix.js';
import { reminderTime } from './business-calendar.js';
import type { WaitingRow } from './reviews.repository.js';

/** The waiting dashboard: what is waiting on whom, and how late, as of `now`. */

export interface WaitingItem {
  assignmentId: string;
  documentId: string;
  documentTitle: string;
  documentType: DocumentType;
  campaignId: string;
  campaignName: string;
  versionId: string;
  /** 1-based, of `stageCount`. */
  stage: number;
  stageCount: number;
  role: Role;
  legalSignoff: boolean;
  reReview: boolean;
  assignedAt: Date;
  deadline: Date;
  /** `due_soon` once the reminder time has passed. */
  state: 'on_time' | 'due_soon' | 'late';
  lateByMinutes: number;
  escalationStep: number;
}

export interface WaitingBoard {
  now: Date;
  items: WaitingItem[];
  /** Per role: how much waits on it and how much of that is late. */
  byRole: Array<{ role: Role; waiting: number; late: number; oldestDeadline: Date }>;
}

/** Items in deadline order; roles with the most late work first. */
export function buildWaitingBoard(rows: readonly WaitingRow[], now: Date): WaitingBoard {
  const items = rows.map((row): WaitingItem => {
    const lateMs = now.getTime() - row.deadline.getTime();
    const stageCount = (row.matrixRow as MatrixRow).stages.length;
    return {
      assignmentId: row.id,
      documentId: row.documentId,
      documentTitle: row.documentTitle,
      documentType: row.documentType as DocumentType,
      campaignId: row.campaignId,
      campaignName: row.campaignName,
      versionId: row.versionId,
      stage: row.stage + 1,
      stageCount,
      role: row.role as Role,
      legalSignoff: row.legalSignoff,
      reReview: row.reReview,
      assignedAt: row.assignedAt,
      deadline: row.deadline,
      state:
        lateMs > 0
          ? 'late'
          : now.getTime() >= reminderTime(row.assignedAt, row.deadline).getTime()
            ? 'due_soon'
            : 'on_time',
      lateByMinutes: Math.max(0, Math.floor(lateMs / 60_000)),
      escalationStep: row.escalationStep,
    };
  });
  const byRole = new Map<Role, WaitingBoard['byRole'][number]>();
  for (const item of items) {
    const group = byRole.get(item.role) ?? {
      role: item.role,
      waiting: 0,
      late: 0,
      oldestDeadline: item.deadline,
    };
    group.waiting++;
    if (item.state === 'late') group.late++;
    if (item.deadline < group.oldestDeadline) group.oldestDeadline = item.deadline;
    byRole.set(item.role, group);
  }
  return {
    now,
    items,
    byRole: [...byRole.values()].sort((a, b) => b.late - a.late || b.waiting - a.waiting),
  };
}
