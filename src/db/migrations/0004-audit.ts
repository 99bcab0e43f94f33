/** Tables for the audit trail: an append-only log where each entry carries the hash of the one before. */
export const audit: readonly string[] = [];
