import { type FormEvent, useState } from 'react';
import { validationIssues } from '../api/client';
import { ErrorMessage, PageHeader } from '../common/feedback';
import { TextField } from '../offers/FormField';
import { Link, useNavigate } from '../router/router';
import { useWorkspace } from '../shell/workspace';
import { calendarHref, createShow } from './showsApi';

/** Schedules a show; offers, documents and checks are handled on its page afterwards. */
export function NewShowForm() {
  const { brands, activeBrand } = useWorkspace();
  const navigate = useNavigate();
  const [brandId, setBrandId] = useState(activeBrand?.id ?? brands[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [minutes, setMinutes] = useState('60');
  const [streamUrl, setStreamUrl] = useState('');
  const [contactName, setContactName] = useState('');
  const [contactPhone, setContactPhone] = useState('');
  const [markets, setMarkets] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const issues = validationIssues(error);
  const errorsFor = (field: string) =>
    issues.filter((issue) => issue.field.startsWith(`body.${field}`)).map((issue) => issue.message);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const start = new Date(startsAt);
      const show = await createShow({
        brandId,
        title,
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + Number(minutes) * 60_000).toISOString(),
        streamUrl: streamUrl.trim() || null,
        rollbackContacts: contactName.trim()
          ? [
              {
                name: contactName.trim(),
                role: '',
                phone: contactPhone.trim() || null,
                email: null,
              },
            ]
          : [],
        markets: markets
          .split(/[\s,]+/)
          .map((market) => market.trim().toUpperCase())
          .filter(Boolean),
      });
      navigate(calendarHref.show(show.id));
    } catch (caught) {
      setError(caught);
      setPending(false);
    }
  };

  return (
    <>
      <p className="back-link">
        <Link to={calendarHref.list}>← Calendar</Link>
      </p>
      <PageHeader title="Schedule a show" />
      <form className="card form" onSubmit={submit}>
        <ErrorMessage error={issues.length > 0 ? null : error} />
        <div className="field">
          <label htmlFor="show-brand">Brand</label>
          <select
            id="show-brand"
            value={brandId}
            onChange={(event) => setBrandId(event.target.value)}
          >
            {brands.map((brand) => (
              <option key={brand.id} value={brand.id}>
                {brand.name} ({brand.timezone})
              </option>
            ))}
          </select>
        </div>
        <TextField
          id="show-title"
          label="Title"
          value={title}
          onChange={setTitle}
          required
          errors={errorsFor('title')}
        />
        <div className="field-row">
          <TextField
            id="show-starts"
            label="Starts"
            type="datetime-local"
            value={startsAt}
            onChange={setStartsAt}
            required
            hint="In your browser's local time"
            errors={errorsFor('startsAt')}
          />
          <TextField
            id="show-minutes"
            label="Length (minutes)"
            type="number"
            min={5}
            value={minutes}
            onChange={setMinutes}
            required
            errors={errorsFor('endsAt')}
          />
        </div>
        <TextField
          id="show-stream"
          label="Stream URL"
          value={streamUrl}
          onChange={setStreamUrl}
          hint="A playback URL (https) or an RTMP ingest; the go/no-go checks that it answers."
          errors={errorsFor('streamUrl')}
        />
        <div className="field-row">
          <TextField
            id="show-contact"
            label="Rollback contact"
            value={contactName}
            onChange={setContactName}
            errors={errorsFor('rollbackContacts')}
          />
          <TextField
            id="show-contact-phone"
            label="Contact phone"
            value={contactPhone}
            onChange={setContactPhone}
          />
        </div>
        <TextField
          id="show-markets"
          label="Markets"
          value={markets}
          onChange={setMarkets}
          hint="Country codes such as FR, BE; empty means every country your fulfilment regions serve."
          errors={errorsFor('markets')}
        />
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={pending || !brandId}>
            {pending ? 'Scheduling…' : 'Schedule show'}
          </button>
        </div>
      </form>
    </>
  );
}
