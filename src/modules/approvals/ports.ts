/**
 * What other modules (the go/no-go gate in shows) ask of approvals: is each document approved
 * at the version that will be used, and what does that version say.
 */
export interface DocumentApprovalState {
  documentId: string;
  title: string;
  /** host_script, offer_copy, promo_copy, price_terms, shot_list */
  type: string;
  currentVersionId: string;
  currentVersionNumber: number;
  /** The version whose content hash an approval (all required reviewers) is bound to, if any. */
  approvedVersionId: string | null;
  /** True only when the current version is the approved one. */
  approved: boolean;
  /** The current version's text, for checks that read the copy (promises, exclusions). */
  content: string;
}

export interface DocumentApprovals {
  /** Unknown ids (or ids of another organisation) are left out of the answer. */
  approvalStatesOf(organizationId: string, documentIds: string[]): Promise<DocumentApprovalState[]>;
}
