import { type FormEvent, useMemo, useState } from 'react';
import { api } from '../api/client';
import { type Brand, Permission } from '../api/types';
import { useCan } from '../auth/session';
import { EmptyState, ErrorMessage, Loading, Notice } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { useWorkspace } from '../shell/workspace';

const browserTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [browserTimeZone, 'UTC'];
  }
}

export function BrandsSection() {
  const { brands, brandsLoading, brandsError, reloadBrands } = useWorkspace();
  const canManage = useCan(Permission.brandsManage);

  return (
    <section className="card" id="brands" aria-labelledby="brands-heading">
      <div className="card-header">
        <h2 id="brands-heading">Brands</h2>
        <p className="muted">Each brand has its own catalog, currency and time zone.</p>
      </div>
      {brandsLoading && brands.length === 0 ? (
        <Loading label="Loading brands…" />
      ) : brandsError ? (
        <ErrorMessage error={brandsError} onRetry={reloadBrands} />
      ) : brands.length === 0 ? (
        <EmptyState title="No brands yet">
          <p>
            {canManage
              ? 'Create the first brand below.'
              : 'An owner or social ops lead can create brands.'}
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">Currency</th>
                <th scope="col">Time zone</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {brands.map((brand) => (
                <tr key={brand.id}>
                  <td>{brand.name}</td>
                  <td>
                    <code>{brand.slug}</code>
                  </td>
                  <td>{brand.currency}</td>
                  <td>{brand.timezone}</td>
                  <td>{formatDateTime(brand.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage && <CreateBrandForm onCreated={reloadBrands} />}
    </section>
  );
}

function CreateBrandForm({ onCreated }: { onCreated: () => void }) {
  const zones = useMemo(timeZones, []);
  const [name, setName] = useState('');
  const [currency, setCurrency] = useState('');
  const [timezone, setTimezone] = useState(browserTimeZone);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    setCreated(null);
    try {
      const brand = await api<Brand>('/api/v1/brands', {
        method: 'POST',
        body: {
          name: name.trim(),
          currency: currency.trim().toUpperCase(),
          timezone: timezone.trim(),
        },
      });
      setCreated(brand.name);
      setName('');
      setCurrency('');
      onCreated();
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };

  return (
    <>
      <h3>Create a brand</h3>
      <form className="form form-inline" onSubmit={submit}>
        <div className="field">
          <label htmlFor="brand-name">Brand name</label>
          <input
            id="brand-name"
            required
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="field field-narrow">
          <label htmlFor="brand-currency">Currency</label>
          <input
            id="brand-currency"
            required
            minLength={3}
            maxLength={3}
            pattern="[A-Za-z]{3}"
            placeholder="EUR"
            title="Three-letter ISO 4217 code, such as EUR or USD"
            value={currency}
            onChange={(event) => setCurrency(event.target.value.toUpperCase())}
          />
        </div>
        <div className="field">
          <label htmlFor="brand-timezone">Time zone</label>
          <input
            id="brand-timezone"
            required
            list="brand-timezones"
            value={timezone}
            onChange={(event) => setTimezone(event.target.value)}
          />
          <datalist id="brand-timezones">
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </div>
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Creating…' : 'Create brand'}
        </button>
      </form>
      <ErrorMessage error={error} />
      {created && <Notice>Brand {created} was created. It is now in the brand switcher.</Notice>}
    </>
  );
}
