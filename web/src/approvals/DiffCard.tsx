import { useState } from 'react';
import { useQuery } from '../api/useQuery';
import { ErrorMessage, Loading } from '../common/feedback';
import { roleLabel } from '../common/format';
import type { ReviewComment, Version, VersionDiff, VersionSummary } from './approvalsApi';

const marks = { same: ' ', added: '+', removed: '−' } as const;

/** Any two versions compared line by line: removed lines red, added green, with numbers. */
export function DiffCard({
  documentId,
  versions,
}: {
  documentId: string;
  versions: VersionSummary[];
}) {
  const newest = versions[0]?.number ?? 1;
  const [from, setFrom] = useState(Math.max(1, newest - 1));
  const [to, setTo] = useState(newest);
  const base = `/api/v1/documents/${documentId}`;
  const diff = useQuery<VersionDiff>(
    versions.length > 0 ? `${base}/diff?from=${from}&to=${to}` : null,
  );
  const fromVersion = versions.find((version) => version.number === from);
  const fromComments = useQuery<Version & { comments: ReviewComment[] }>(
    fromVersion ? `${base}/versions/${fromVersion.id}` : null,
  );
  if (versions.length < 2) return null;
  const options = versions.map((version) => (
    <option key={version.id} value={version.number}>
      v{version.number}
      {version.note ? ` · ${version.note}` : ''}
    </option>
  ));

  return (
    <section className="card" aria-labelledby="diff-heading">
      <div className="card-header card-header-row">
        <div>
          <h2 id="diff-heading">Compare versions</h2>
          {diff.data && (
            <p className="muted" data-testid="diff-summary">
              {diff.data.added} added, {diff.data.removed} removed
            </p>
          )}
        </div>
        <div className="context-switchers">
          <div className="inline-field">
            <label htmlFor="diff-from">From</label>
            <select id="diff-from" value={from} onChange={(e) => setFrom(Number(e.target.value))}>
              {options}
            </select>
          </div>
          <div className="inline-field">
            <label htmlFor="diff-to">To</label>
            <select id="diff-to" value={to} onChange={(e) => setTo(Number(e.target.value))}>
              {options}
            </select>
          </div>
        </div>
      </div>
      {!diff.data ? (
        diff.error ? (
          <ErrorMessage error={diff.error} onRetry={diff.reload} />
        ) : (
          <Loading label="Comparing…" />
        )
      ) : (
        <table className="diff-table" data-testid="diff">
          <thead className="visually-hidden">
            <tr>
              <th scope="col">v{from} line</th>
              <th scope="col">v{to} line</th>
              <th scope="col">Change</th>
              <th scope="col">Text</th>
            </tr>
          </thead>
          <tbody>
            {diff.data.lines.map((line, index) => {
              const comments =
                line.fromLine === null
                  ? []
                  : (fromComments.data?.comments ?? []).filter((c) => c.line === line.fromLine);
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: the diff is positional.
                <tr key={index} className={`diff-${line.kind}`}>
                  <td className="line-number">{line.fromLine ?? ''}</td>
                  <td className="line-number">{line.toLine ?? ''}</td>
                  <td className="diff-mark" aria-label={line.kind}>
                    {marks[line.kind]}
                  </td>
                  <td className="line-text">
                    {line.text || ' '}
                    {comments.map((comment) => (
                      <span key={comment.id} className="line-comment diff-comment">
                        {roleLabel(comment.author.role)}: {comment.body}
                      </span>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
