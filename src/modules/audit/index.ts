export { AuditRepository } from './audit.repository.js';
export { auditRoutes } from './audit.routes.js';
export { type ActorNamer, type AuditPage, AuditService } from './audit.service.js';
export type { ChainProblem, ChainReport } from './audit-chain.js';
export type { AuditEntry } from './audit-entry.js';
export { type AuditExport, type ExportFormat, exportFormats } from './audit-export.js';
export { canonicalJson, genesisHash, hashEntry } from './audit-hash.js';
export type { AuditEntryInput, AuditRecorder } from './audit-recorder.js';
