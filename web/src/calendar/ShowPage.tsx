import { useCallback } from 'react';
import { useQuery } from '../api/useQuery';
import { CopyButton } from '../common/CopyButton';
import { ErrorMessage, Loading, PageHeader } from '../common/feedback';
import { Link } from '../router/router';
import { GoLivePanel } from './GoLivePanel';
import { GoNoGoChecklist } from './GoNoGoChecklist';
import { LinkTests } from './LinkTests';
import {
  calendarHref,
  formatInZone,
  type Preflight,
  preflightPath,
  type Show,
  showPath,
  statusLabels,
} from './showsApi';

/** One show: its schedule, the go/no-go checklist, link tests and the Go live button. */
export function ShowPage({ showId }: { showId: string }) {
  const show = useQuery<Show>(showPath(showId));
  const preflight = useQuery<Preflight>(preflightPath(showId));
  const { reload: reloadShow } = show;
  const { reload: reloadPreflight } = preflight;
  const reload = useCallback(() => {
    reloadShow();
    reloadPreflight();
  }, [reloadShow, reloadPreflight]);

  if (show.loading && !show.data) return <Loading label="Loading the show…" />;
  if (!show.data) return <ErrorMessage error={show.error} onRetry={show.reload} />;
  const current = show.data;

  return (
    <>
      <p className="back-link">
        <Link to={calendarHref.list}>← Calendar</Link>
      </p>
      <PageHeader
        title={current.title}
        description={
          <>
            {current.brandName} · {formatInZone(current.startsAt, current.timezone)}–
            {formatInZone(current.endsAt, current.timezone, false)} ({current.timezone}) ·{' '}
            <span
              className={`badge show-status show-status-${current.status}`}
              data-testid="show-status"
            >
              {statusLabels[current.status]}
            </span>
          </>
        }
      />
      <ErrorMessage error={show.error} onRetry={show.reload} />
      {current.alerts.map((alert) => (
        <div key={alert.id} className="alert alert-warning" role="alert">
          {alert.message}
        </div>
      ))}
      {current.override && (
        <div className="alert alert-warning" role="status">
          Went live on an emergency override: “{current.override.reason}”. Failing then:{' '}
          {current.override.failing.join(', ') || 'none'}. Checkout sampled hourly:{' '}
          {current.checkoutSamples.length} of 6 samples,{' '}
          {current.checkoutSamples.filter((sample) => !sample.ok).length} failed.
        </div>
      )}
      <div className="show-grid">
        <section className="card" aria-labelledby="gate-heading">
          <div className="card-header">
            <h2 id="gate-heading">Go/no-go</h2>
            <p className="muted">
              Every check must pass before the show goes live.
              {preflight.data && (
                <>
                  {' '}
                  Checked {formatInZone(preflight.data.checkedAt, current.timezone, false)}.{' '}
                  <button
                    type="button"
                    className="button button-small button-quiet"
                    onClick={reload}
                  >
                    Check again
                  </button>
                </>
              )}
            </p>
          </div>
          {preflight.loading && !preflight.data ? (
            <Loading label="Running the checks…" />
          ) : preflight.data ? (
            <GoNoGoChecklist show={current} preflight={preflight.data} onChanged={reload} />
          ) : (
            <ErrorMessage error={preflight.error} onRetry={preflight.reload} />
          )}
          <GoLivePanel show={current} onChanged={reload} />
        </section>
        <div className="show-side">
          <LinkTests show={current} onChanged={reload} />
          <section className="card" aria-labelledby="run-heading">
            <div className="card-header">
              <h2 id="run-heading">Stream and rollback</h2>
            </div>
            <dl className="show-facts">
              <dt>Stream</dt>
              <dd>{current.streamUrl ?? <span className="muted">Not set</span>}</dd>
              <dt>Markets</dt>
              <dd>{current.markets.join(', ') || 'Every country the fulfilment regions serve'}</dd>
              <dt>Rollback contacts</dt>
              <dd>
                {current.rollbackContacts.length === 0 ? (
                  <span className="muted">None</span>
                ) : (
                  <ul className="plain-list">
                    {current.rollbackContacts.map((contact) => (
                      <li key={`${contact.name}-${contact.phone ?? contact.email}`}>
                        {contact.name}
                        {contact.role && ` (${contact.role})`}: {contact.phone ?? contact.email}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
              {current.policyBundle.required && (
                <>
                  <dt>Policy bundle</dt>
                  <dd>
                    {current.policyBundle.submitted
                      ? `Submitted ${formatInZone(current.policyBundle.submitted.submittedAt, current.timezone)}`
                      : `Due ${formatInZone(current.policyBundle.dueAt, current.timezone)}`}
                  </dd>
                </>
              )}
            </dl>
            {current.offers.map((offer) => (
              <p key={offer.offerId} className="show-link">
                <span className="muted">Link for {offer.title}:</span> <code>{offer.link}</code>{' '}
                <CopyButton text={offer.link} />
              </p>
            ))}
          </section>
        </div>
      </div>
    </>
  );
}
