/** Tables for campaign decisions, approvals matrices, business calendars, versioned documents and reviews. */
export const governance: readonly string[] = [];
