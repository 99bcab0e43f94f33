import { PageHeader } from '../common/feedback';
import type { UpcomingAreaInfo } from './upcomingAreas';

/** An honest placeholder: says what the area will do, shows no invented data. */
export function UpcomingArea({ area }: { area: UpcomingAreaInfo }) {
  return (
    <>
      <PageHeader title={area.title} />
      <section className="empty-state empty-state-large" aria-labelledby="upcoming-heading">
        <p className="badge">Not built yet</p>
        <h2 id="upcoming-heading">{area.summary}</h2>
        <p className="muted">Planned for this area:</p>
        <ul className="plain-list">
          {area.plans.map((plan) => (
            <li key={plan}>{plan}</li>
          ))}
        </ul>
        <p className="muted">
          Nothing here is simulated: this page will show real data once the area ships.
        </p>
      </section>
    </>
  );
}
