import { createHash } from 'node:crypto';

/**
 * How an audit entry is hashed. This is a storage format: entries already written were hashed
 * with it, so changing anything here breaks `verify` for every existing log.
 *
 *   hash = lowercase hex SHA-256 of the UTF-8 bytes of canonicalJson(fields)
 *
 * where `fields` is the object below with exactly these 14 keys, absent values as null:
 *
 *   action, actorId, actorKind, actorName, actorRole, data, id, occurredAt,
 *   organizationId, prevHash, reason, sequence, subjectId, subjectType
 *
 * `occurredAt` is ISO 8601 in UTC with milliseconds (`2026-01-01T09:00:00.000Z`), `sequence`
 * a JSON integer, `data` the entry's JSON object, `prevHash` the previous entry's `hash` (or
 * `genesisHash` for an organisation's first entry).
 *
 * canonicalJson is RFC 8785 (JCS) for the values JSON can hold: no whitespace; object keys
 * sorted by UTF-16 code units, at every depth; strings and numbers written as ECMAScript's
 * JSON.stringify writes them; array order kept. jsonb reorders keys and drops insignificant
 * whitespace, so the stored `data` hashes the same as the `data` that was recorded.
 */
export const genesisHash = '0'.repeat(64);

export interface HashedEntryFields {
  id: string;
  organizationId: string;
  sequence: number;
  occurredAt: Date;
  actorKind: 'user' | 'token' | 'system';
  actorId: string | null;
  actorRole: string | null;
  actorName: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  reason: string | null;
  data: Record<string, unknown>;
  prevHash: string;
}

export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not JSON`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        throw new TypeError('canonicalJson: only plain objects; normalise with toJsonValue first');
      }
      const members = Object.entries(value as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
}

/**
 * `data` as it will read back from jsonb: Dates become ISO strings, undefined members vanish.
 * The hash is taken over this form, so recording and verifying see the same value.
 */
export function toJsonValue(data: Record<string, unknown> | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify(data ?? {})) as Record<string, unknown>;
}

export function hashEntry(fields: HashedEntryFields): string {
  const canonical = canonicalJson({
    action: fields.action,
    actorId: fields.actorId,
    actorKind: fields.actorKind,
    actorName: fields.actorName,
    actorRole: fields.actorRole,
    data: fields.data,
    id: fields.id,
    occurredAt: fields.occurredAt.toISOString(),
    organizationId: fields.organizationId,
    prevHash: fields.prevHash,
    reason: fields.reason,
    sequence: fields.sequence,
    subjectId: fields.subjectId,
    subjectType: fields.subjectType,
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
