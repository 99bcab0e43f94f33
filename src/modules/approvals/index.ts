export {
  type ApprovalMatrix,
  approvalPaces,
  type CampaignDecisions,
  conversionPaths,
  type DocumentType,
  defaultMatrixFor,
  documentTypes,
  type MatrixRow,
  offerComplexities,
  operatingModels,
  type SlaWindow,
} from './approval-matrix.js';
export { approvalsRoutes } from './approvals.routes.js';
export { ApprovalsStore } from './approvals.store.js';
export { type BusinessCalendar, slaDeadline } from './business-calendar.js';
export { BusinessCalendarService } from './business-calendar.service.js';
export { type Campaign, type CampaignInput, CampaignsService } from './campaigns.service.js';
export { DocumentsService } from './documents.service.js';
export type { DocumentApprovalState, DocumentApprovals } from './ports.js';
export { overdueJobKind, ReviewSla, reminderJobKind } from './review-sla.js';
export { ReviewsService } from './reviews.service.js';
export type { WaitingBoard } from './waiting-board.js';
