import { useState } from 'react';
import { api } from '../api/client';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { ErrorMessage, Loading, Notice } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { useWorkspace } from '../shell/workspace';
import { ApprovalPermission, type BusinessCalendar } from './approvalsApi';
import { useAction } from './useAction';

const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The working days and holidays that business-day SLA windows count on. */
export function BusinessCalendarCard() {
  const { contextKey } = useWorkspace();
  const calendar = useQuery<BusinessCalendar>('/api/v1/settings/business-calendar', contextKey);
  if (!calendar.data) {
    return calendar.error ? (
      <ErrorMessage error={calendar.error} onRetry={calendar.reload} />
    ) : (
      <Loading label="Loading the business calendar…" />
    );
  }
  return (
    <CalendarForm
      key={calendar.data.updatedAt ?? 'default'}
      calendar={calendar.data}
      onSaved={calendar.reload}
    />
  );
}

function CalendarForm({ calendar, onSaved }: { calendar: BusinessCalendar; onSaved: () => void }) {
  const canEdit = useCan(ApprovalPermission.configure);
  const [workingDays, setWorkingDays] = useState(calendar.workingDays);
  const [holidays, setHolidays] = useState(calendar.holidays);
  const [holiday, setHoliday] = useState('');
  const [saved, setSaved] = useState(false);
  const action = useAction();

  const save = async () => {
    setSaved(false);
    const ok = await action.run('save', () =>
      api('/api/v1/settings/business-calendar', {
        method: 'PUT',
        body: { workingDays, holidays },
      }),
    );
    if (ok) {
      setSaved(true);
      onSaved();
    }
  };

  return (
    <section className="card" aria-labelledby="calendar-heading">
      <div className="card-header">
        <h2 id="calendar-heading">Business calendar</h2>
        <p className="muted">
          Days count in the organisation’s timezone, <strong>{calendar.timezone}</strong>. A “5
          business days” window skips days off; a “48 hours” one does not. Deadlines already set do
          not move. Last changed {formatDateTime(calendar.updatedAt)}.
        </p>
      </div>
      {saved && <Notice>Saved. New assignments count on this calendar.</Notice>}
      <fieldset className="fieldset" disabled={!canEdit}>
        <legend>Working days</legend>
        {weekdays.map((name, index) => (
          <label key={name} className="checkbox-label">
            <input
              type="checkbox"
              checked={workingDays.includes(index + 1)}
              onChange={(event) =>
                setWorkingDays(
                  event.target.checked
                    ? [...workingDays, index + 1].sort((a, b) => a - b)
                    : workingDays.filter((day) => day !== index + 1),
                )
              }
            />
            {name}
          </label>
        ))}
      </fieldset>
      <fieldset className="fieldset" disabled={!canEdit}>
        <legend>Holidays</legend>
        {holidays.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul className="plain-list">
            {holidays.map((date) => (
              <li key={date}>
                {date}{' '}
                {canEdit && (
                  <button
                    type="button"
                    className="button button-small button-quiet"
                    aria-label={`Remove holiday ${date}`}
                    onClick={() => setHolidays(holidays.filter((candidate) => candidate !== date))}
                  >
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {canEdit && (
          <div className="form-inline">
            <div className="field">
              <label htmlFor="holiday-date">Add a holiday</label>
              <input
                id="holiday-date"
                type="date"
                value={holiday}
                onChange={(event) => setHoliday(event.target.value)}
              />
            </div>
            <button
              type="button"
              className="button"
              disabled={!holiday}
              onClick={() => {
                setHolidays([...new Set([...holidays, holiday])].sort());
                setHoliday('');
              }}
            >
              Add
            </button>
          </div>
        )}
      </fieldset>
      <ErrorMessage error={action.error} />
      {canEdit && (
        <div className="button-row">
          <button
            type="button"
            className="button button-primary"
            disabled={action.busy}
            onClick={() => void save()}
          >
            {action.busy ? 'Saving…' : 'Save calendar'}
          </button>
        </div>
      )}
    </section>
  );
}
