import { useMemo } from 'react';
import type { ItemList } from '../api/types';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { EmptyState, ErrorMessage, Loading, PageHeader } from '../common/feedback';
import { Link, matchPath, useLocation, useSearchParam } from '../router/router';
import { useWorkspace } from '../shell/workspace';
import { NewShowForm } from './NewShowForm';
import { ShowPage } from './ShowPage';
import {
  calendarHref,
  calendarPath,
  dayInZone,
  formatInZone,
  ShowPermission,
  type ShowSummary,
  statusLabels,
} from './showsApi';
import './calendar.css';

const dayMs = 24 * 60 * 60 * 1000;
/** The calendar shows what is on now and the next four weeks. */
const horizonDays = 28;

/** The Calendar area: /calendar (upcoming shows by day), ?view=new, /calendar/shows/:id. */
export function CalendarPage() {
  const { pathname } = useLocation();
  const view = useSearchParam('view');
  const match = matchPath('/calendar/shows/:id', pathname);
  if (match?.id) return <ShowPage key={match.id} showId={match.id} />;
  if (view === 'new') return <NewShowForm />;
  return <UpcomingShows />;
}

function UpcomingShows() {
  const { activeBrand, contextKey } = useWorkspace();
  const canWrite = useCan(ShowPermission.write);
  // Fixed for the page's life, so the query does not change on every render.
  const range = useMemo(() => {
    const from = new Date(Date.now() - dayMs);
    return { from, to: new Date(from.getTime() + (horizonDays + 1) * dayMs) };
  }, []);
  const shows = useQuery<ItemList<ShowSummary>>(
    calendarPath(range.from, range.to, activeBrand?.id ?? null),
    contextKey,
  );
  const days = groupByDay(shows.data?.items ?? []);

  return (
    <>
      <PageHeader
        title="Calendar"
        description="Upcoming live shows by day, in each brand's timezone. Open a show for its go/no-go checklist."
      />
      <section className="card" aria-labelledby="upcoming-heading">
        <div className="card-header card-header-row">
          <div>
            <h2 id="upcoming-heading">Upcoming shows</h2>
            <p className="muted">
              For <strong>{activeBrand ? activeBrand.name : 'all brands'}</strong>, the next{' '}
              {horizonDays} days
            </p>
          </div>
          {canWrite && (
            <Link to={calendarHref.create} className="button button-primary">
              Schedule a show
            </Link>
          )}
        </div>
        {shows.loading && !shows.data ? (
          <Loading label="Loading shows…" />
        ) : shows.error && !shows.data ? (
          <ErrorMessage error={shows.error} onRetry={shows.reload} />
        ) : days.length === 0 ? (
          <EmptyState title="No shows scheduled">
            <p>Shows scheduled for the next {horizonDays} days appear here, grouped by day.</p>
          </EmptyState>
        ) : (
          <ol className="calendar-days">
            {days.map(({ day, label, items }) => (
              <li key={day} className="calendar-day">
                <h3>{label}</h3>
                <ul className="plain-list calendar-shows">
                  {items.map((show) => (
                    <li key={show.id} className="calendar-show" data-testid="calendar-show">
                      <span className="calendar-time">
                        {formatInZone(show.startsAt, show.timezone, false)}–
                        {formatInZone(show.endsAt, show.timezone, false)}
                        <span className="muted"> {show.timezone}</span>
                      </span>
                      <Link to={calendarHref.show(show.id)} className="calendar-title">
                        {show.title}
                      </Link>
                      <span className="muted">{show.brandName}</span>
                      <span className={`badge show-status show-status-${show.status}`}>
                        {statusLabels[show.status]}
                      </span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

/** Groups shows by the day they start on in their own brand's timezone. */
function groupByDay(shows: ShowSummary[]) {
  const days = new Map<string, { day: string; label: string; items: ShowSummary[] }>();
  for (const show of shows) {
    const day = dayInZone(show.startsAt, show.timezone);
    const entry = days.get(day) ?? {
      day,
      label: new Intl.DateTimeFormat('en-GB', {
        timeZone: show.timezone,
        weekday: 'long',
        day: 'numeric',
        month: 'long',
      }).format(new Date(show.startsAt)),
      items: [],
    };
    entry.items.push(show);
    days.set(day, entry);
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}
