import { useQuery } from '../api/useQuery';
import { EmptyState, ErrorMessage, Loading } from '../common/feedback';
import { formatDateTime, roleLabel } from '../common/format';
import { Link } from '../router/router';
import { useWorkspace } from '../shell/workspace';
import {
  approvalsHref,
  describeLateness,
  documentTypeLabels,
  type WaitingBoard,
  type WaitingItem,
} from './approvalsApi';

const stateLabels: Record<WaitingItem['state'], string> = {
  on_time: 'On time',
  due_soon: 'Due soon',
  late: 'Late',
};

/** What is waiting on whom, and how late: one table per role, the latest first. */
export function WaitingBoardView() {
  const { contextKey } = useWorkspace();
  const board = useQuery<WaitingBoard>('/api/v1/approvals/waiting', contextKey);
  const data = board.data;

  if (!data) {
    return board.error ? (
      <ErrorMessage error={board.error} onRetry={board.reload} />
    ) : (
      <Loading label="Loading what is waiting…" />
    );
  }
  if (data.items.length === 0) {
    return (
      <EmptyState title="Nothing is waiting on anyone">
        <p>Documents submitted for review appear here until every reviewer has decided.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <p className="muted">
        As of {formatDateTime(data.now)}.{' '}
        <button type="button" className="button button-small button-quiet" onClick={board.reload}>
          Refresh
        </button>
      </p>
      <ErrorMessage error={board.error} onRetry={board.reload} />
      {data.byRole.map((group) => (
        <section
          key={group.role}
          className="card"
          aria-labelledby={`waiting-${group.role}`}
          data-testid={`waiting-${group.role}`}
        >
          <div className="card-header">
            <h2 id={`waiting-${group.role}`}>Waiting on {roleLabel(group.role)}</h2>
            <p className="muted">
              {group.waiting} waiting
              {group.late > 0 && <span className="badge badge-late">{group.late} late</span>}
            </p>
          </div>
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Document</th>
                  <th scope="col">Campaign</th>
                  <th scope="col">Stage</th>
                  <th scope="col">Assigned</th>
                  <th scope="col">Due</th>
                  <th scope="col">Lateness</th>
                </tr>
              </thead>
              <tbody>
                {data.items
                  .filter((item) => item.role === group.role)
                  .map((item) => (
                    <tr key={item.assignmentId} className={`waiting-${item.state}`}>
                      <td>
                        <Link to={approvalsHref.document(item.documentId)}>
                          {item.documentTitle}
                        </Link>
                        <span className="muted"> · {documentTypeLabels[item.documentType]}</span>
                        {item.reReview && <span className="badge">re-review</span>}
                      </td>
                      <td>
                        <Link to={approvalsHref.overview(item.campaignId)}>
                          {item.campaignName}
                        </Link>
                      </td>
                      <td>
                        {item.stage} of {item.stageCount}
                        {item.legalSignoff && <span className="badge badge-warning">sign-off</span>}
                      </td>
                      <td>{formatDateTime(item.assignedAt)}</td>
                      <td>{formatDateTime(item.deadline)}</td>
                      <td>
                        <span className={`badge waiting-state-${item.state}`}>
                          {stateLabels[item.state]}
                        </span>
                        {item.state === 'late' && ` by ${describeLateness(item.lateByMinutes)}`}
                        {item.escalationStep > 1 && (
                          <span className="muted"> · escalated {item.escalationStep - 1}×</span>
                        )}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
}
