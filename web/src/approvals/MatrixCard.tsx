import { useState } from 'react';
import { api, validationIssues } from '../api/client';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { ErrorMessage, Loading, Notice } from '../common/feedback';
import { roleLabel } from '../common/format';
import {
  ApprovalPermission,
  type Campaign,
  type CampaignMatrix,
  describeSla,
  documentTypeLabels,
  type MatrixRow,
  type ReviewStage,
} from './approvalsApi';
import { MatrixEditor } from './MatrixEditor';
import { useAction } from './useAction';

/**
 * The campaign's approvals matrix as one table: a row per document type; its review stages in
 * order (roles in one stage review in parallel), SLA window, who is copied when a reviewer is
 * late and the escalation path. People with approvals.configure edit it in place.
 */
export function MatrixCard({ campaign }: { campaign: Campaign }) {
  const path = `/api/v1/campaigns/${campaign.id}/matrix`;
  const matrix = useQuery<CampaignMatrix>(path);
  const canConfigure = useCan(ApprovalPermission.configure);
  const [draft, setDraft] = useState<MatrixRow[] | null>(null);
  const [saved, setSaved] = useState(false);
  const action = useAction();

  const save = async (rows: MatrixRow[]) => {
    setSaved(false);
    const ok = await action.run('save', () => api(path, { method: 'PUT', body: { rows } }));
    if (ok) {
      setDraft(null);
      setSaved(true);
      matrix.reload();
    }
  };

  return (
    <section className="card" aria-labelledby="matrix-heading">
      <div className="card-header card-header-row">
        <div>
          <h2 id="matrix-heading">Approvals matrix</h2>
          <p className="muted">
            {matrix.data?.customized
              ? 'Edited for this campaign.'
              : 'The playbook defaults for this campaign’s decisions.'}{' '}
            Reviews under way keep the matrix they started with.
          </p>
        </div>
        {canConfigure && matrix.data && !draft && (
          <button
            type="button"
            className="button"
            onClick={() => {
              setSaved(false);
              setDraft(structuredClone(matrix.data?.rows ?? []));
            }}
          >
            Edit matrix
          </button>
        )}
      </div>
      {saved && <Notice>Matrix saved. The next submission of each document follows it.</Notice>}
      {matrix.loading && !matrix.data ? (
        <Loading label="Loading the matrix…" />
      ) : matrix.error && !matrix.data ? (
        <ErrorMessage error={matrix.error} onRetry={matrix.reload} />
      ) : draft ? (
        <>
          <MatrixEditor rows={draft} onChange={setDraft} />
          <ErrorMessage error={action.error} />
          {validationIssues(action.error).length > 0 && (
            <ul className="field-errors">
              {validationIssues(action.error).map((issue) => (
                <li key={issue.field}>
                  {issue.field}: {issue.message}
                </li>
              ))}
            </ul>
          )}
          <div className="button-row">
            <button
              type="button"
              className="button button-primary"
              disabled={action.busy}
              onClick={() => void save(draft)}
            >
              {action.busy ? 'Saving…' : 'Save matrix'}
            </button>
            <button
              type="button"
              className="button"
              disabled={action.busy}
              onClick={() => setDraft(structuredClone(matrix.data?.defaults ?? []))}
            >
              Reset to playbook defaults
            </button>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => {
                action.clearError();
                setDraft(null);
              }}
            >
              Cancel
            </button>
          </div>
        </>
      ) : (
        matrix.data && <MatrixTable rows={matrix.data.rows} />
      )}
    </section>
  );
}

function StageList({ stages }: { stages: ReviewStage[] }) {
  return (
    <ol className="stage-list">
      {stages.map((stage, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: stages are positional.
        <li key={index}>
          {stage.roles.map(roleLabel).join(' + ')}
          {stage.legalSignoff && <span className="badge badge-warning">legal sign-off</span>}
        </li>
      ))}
    </ol>
  );
}

function MatrixTable({ rows }: { rows: MatrixRow[] }) {
  return (
    <div className="table-scroll">
      <table className="table matrix-table" data-testid="approvals-matrix">
        <thead>
          <tr>
            <th scope="col">Document</th>
            <th scope="col">Reviewers, in order</th>
            <th scope="col">SLA</th>
            <th scope="col">CC when late</th>
            <th scope="col">Escalation path</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.documentType}>
              <th scope="row">{documentTypeLabels[row.documentType]}</th>
              <td>
                <StageList stages={row.stages} />
              </td>
              <td>{describeSla(row.sla)}</td>
              <td>{row.ccWhenLate.map(roleLabel).join(', ') || '—'}</td>
              <td>
                {row.escalation.map(roleLabel).join(' → ') || '—'}
                {row.escalation.length > 1 && (
                  <span className="muted"> (every {row.escalationIntervalHours} h)</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
