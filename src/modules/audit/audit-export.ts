import { csvField } from '../../lib/csv-field.js';
import type { AuditEntryRow } from './audit.repository.js';
import { type AuditEntry, toAuditEntry } from './audit-entry.js';
import { canonicalJson } from './audit-hash.js';

export const exportFormats = ['csv', 'json'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export interface AuditExport {
  filename: string;
  mediaType: string;
  /** Text chunks, written as the rows are read. */
  chunks: AsyncIterable<string>;
}

const csvColumns: Array<[string, (entry: AuditEntry) => unknown]> = [
  ['sequence', (entry) => entry.sequence],
  ['id', (entry) => entry.id],
  ['occurred_at', (entry) => entry.occurredAt.toISOString()],
  ['actor_kind', (entry) => entry.actor.kind],
  ['actor_id', (entry) => entry.actor.id],
  ['actor_role', (entry) => entry.actor.role],
  ['actor_name', (entry) => entry.actor.name],
  ['action', (entry) => entry.action],
  ['subject_type', (entry) => entry.subjectType],
  ['subject_id', (entry) => entry.subjectId],
  ['reason', (entry) => entry.reason],
  ['data', (entry) => canonicalJson(entry.data)],
  ['prev_hash', (entry) => entry.prevHash],
  ['hash', (entry) => entry.hash],
];

async function* csvChunks(rows: AsyncIterable<AuditEntryRow>): AsyncGenerator<string> {
  yield `${csvColumns.map(([name]) => name).join(',')}\r\n`;
  for await (const row of rows) {
    const entry = toAuditEntry(row);
    yield `${csvColumns.map(([, read]) => csvField(read(entry))).join(',')}\r\n`;
  }
}

async function* jsonChunks(
  organizationId: string,
  exportedAt: Date,
  rows: AsyncIterable<AuditEntryRow>,
): AsyncGenerator<string> {
  yield `{"organizationId":${JSON.stringify(organizationId)},"exportedAt":"${exportedAt.toISOString()}","entries":[`;
  let first = true;
  for await (const row of rows) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(toAuditEntry(row))}`;
    first = false;
  }
  yield '\n]}\n';
}

export function exportEntries(input: {
  organizationId: string;
  exportedAt: Date;
  format: ExportFormat;
  rows: AsyncIterable<AuditEntryRow>;
}): AuditExport {
  const day = input.exportedAt.toISOString().slice(0, 10);
  if (input.format === 'csv') {
    return {
      filename: `audit-${day}.csv`,
      mediaType: 'text/csv; charset=utf-8',
      chunks: csvChunks(input.rows),
    };
  }
  return {
    filename: `audit-${day}.json`,
    mediaType: 'application/json; charset=utf-8',
    chunks: jsonChunks(input.organizationId, input.exportedAt, input.rows),
  };
}
