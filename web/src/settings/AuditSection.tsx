import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { EmptyState, ErrorMessage, Loading, Notice } from '../common/feedback';
import { roleLabel } from '../common/format';
import { useWorkspace } from '../shell/workspace';

/** GET /api/v1/audit/entries, as the console uses it. */
interface AuditEntry {
  id: string;
  sequence: number;
  occurredAt: string;
  actor: { kind: 'user' | 'token' | 'system'; role: string | null; name: string | null };
  action: string;
  subjectType: string;
  subjectId: string;
  reason: string | null;
}

interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
  timezone: string;
}

type VerifyReport =
  | { ok: true; entries: number }
  | {
      ok: false;
      firstBadSequence: number;
      entryId: string | null;
      reason: 'hash_mismatch' | 'broken_link' | 'gap';
      entries: number;
    };

const problems: Record<Extract<VerifyReport, { ok: false }>['reason'], string> = {
  hash_mismatch: 'it was edited after it was written',
  broken_link: 'it no longer links to the entry before it',
  gap: 'an entry is missing there',
};

/** Times in the organisation's zone, with the zone shown, so a log reads the same for everyone. */
function formatInZone(iso: string, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' }).format(
      new Date(iso),
    );
  }
}

function actorLabel(actor: AuditEntry['actor']): string {
  if (actor.kind === 'system') return 'System';
  const name = actor.name ?? (actor.kind === 'token' ? 'API token' : 'Unknown user');
  return `${name}${actor.kind === 'token' ? ' (token)' : ''} · ${roleLabel(actor.role)}`;
}

function VerifyResult({ report }: { report: VerifyReport }) {
  if (report.ok) {
    return (
      <Notice>Chain intact: all {report.entries} entries match their hashes and links.</Notice>
    );
  }
  return (
    <div className="alert alert-error" role="alert">
      Chain broken at entry #{report.firstBadSequence}: {problems[report.reason]} (
      <code>{report.reason}</code>).
    </div>
  );
}

/** Settings › Audit log: recent entries, chain verification and exports (audit.read). */
export function AuditSection() {
  const canRead = useCan('audit.read');
  const { organizationId } = useWorkspace();
  const [cursor, setCursor] = useState<string | null>(null);
  const page = useQuery<AuditPage>(
    canRead ? `/api/v1/audit/entries?limit=25${cursor ? `&cursor=${cursor}` : ''}` : null,
    organizationId,
  );
  const [older, setOlder] = useState<AuditEntry[]>([]);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [verifying, setVerifying] = useState(false);

  // Another organisation starts from its newest entries.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the organisation changes.
  useEffect(() => {
    setCursor(null);
    setOlder([]);
    setReport(null);
  }, [organizationId]);

  if (!canRead) return null;

  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setReport(await api<VerifyReport>('/api/v1/audit/verify'));
    } catch (caught) {
      setVerifyError(caught);
    } finally {
      setVerifying(false);
    }
  };

  const showOlder = () => {
    if (!page.data?.nextCursor) return;
    setOlder((shown) => [...shown, ...(page.data?.items ?? [])]);
    setCursor(page.data.nextCursor);
  };

  const items = [...older, ...(page.data?.items ?? [])];
  const timezone = page.data?.timezone ?? 'UTC';
  return (
    <section className="card" id="audit" aria-labelledby="audit-heading">
      <div className="card-header card-header-row">
        <div>
          <h2 id="audit-heading">Audit log</h2>
          <p className="muted">
            Approvals, price changes, the kill switch, roles and tokens, each entry chained to the
            one before by its hash. Times in {timezone}.
          </p>
        </div>
        <div className="button-row">
          <button
            type="button"
            className="button button-small button-primary"
            onClick={() => void verify()}
            disabled={verifying}
          >
            {verifying ? 'Verifying…' : 'Verify chain'}
          </button>
          <a className="button button-small" href="/api/v1/audit/export?format=csv" download>
            Export CSV
          </a>
          <a className="button button-small" href="/api/v1/audit/export?format=json" download>
            Export JSON
          </a>
        </div>
      </div>
      {report && <VerifyResult report={report} />}
      <ErrorMessage error={verifyError} />
      {page.error ? (
        <ErrorMessage error={page.error} onRetry={page.reload} />
      ) : items.length === 0 && page.loading ? (
        <Loading label="Loading the audit log…" />
      ) : items.length === 0 ? (
        <EmptyState title="Nothing recorded yet" />
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <tr key={entry.id}>
                  <td className="numeric">
                    {entry.sequence}
                    {report && !report.ok && report.firstBadSequence === entry.sequence && (
                      <span className="badge badge-warning">first bad</span>
                    )}
                  </td>
                  <td>{formatInZone(entry.occurredAt, timezone)}</td>
                  <td>{actorLabel(entry.actor)}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>
                    {entry.subjectType}{' '}
                    <code title={entry.subjectId}>{entry.subjectId.slice(0, 8)}</code>
                  </td>
                  <td>{entry.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.data?.nextCursor && (
        <button
          type="button"
          className="button button-small button-quiet"
          onClick={showOlder}
          disabled={page.loading}
        >
          Show older entries
        </button>
      )}
    </section>
  );
}
