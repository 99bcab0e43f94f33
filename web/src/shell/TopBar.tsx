import { type ChangeEvent, useState } from 'react';
import { useMe, useSession } from '../auth/session';
import { ErrorMessage } from '../common/feedback';
import { roleLabel } from '../common/format';
import { NotificationBell } from '../notifications/NotificationBell';
import { useNavigate } from '../router/router';
import { useWorkspace } from './workspace';

export function TopBar({ onToggleNav }: { onToggleNav: () => void }) {
  const me = useMe();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const { brands, brandsLoading, activeBrand, switchOrganization, switchBrand } = useWorkspace();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (action: () => Promise<void>) => {
    setPending(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };

  const onOrganization = (event: ChangeEvent<HTMLSelectElement>) => {
    const id = event.target.value;
    if (id) void run(() => switchOrganization(id));
  };
  const onBrand = (event: ChangeEvent<HTMLSelectElement>) => {
    const id = event.target.value;
    void run(() => switchBrand(id === '' ? null : id));
  };
  const onSignOut = async () => {
    navigate('/login', { replace: true });
    await signOut();
  };

  const hasOrganization = me.activeOrganizationId !== null;
  return (
    <header className="topbar">
      <button
        type="button"
        className="nav-toggle"
        aria-label="Toggle navigation"
        onClick={onToggleNav}
      >
        ☰
      </button>
      <div className="context-switchers">
        <div className="inline-field">
          <label htmlFor="context-organization">Organisation</label>
          <select
            id="context-organization"
            value={me.activeOrganizationId ?? ''}
            onChange={onOrganization}
            disabled={pending || me.organizations.length === 0}
          >
            {!hasOrganization && <option value="">Choose an organisation</option>}
            {me.organizations.map((organization) => (
              <option key={organization.id} value={organization.id}>
                {organization.name}
              </option>
            ))}
          </select>
        </div>
        <div className="inline-field">
          <label htmlFor="context-brand">Brand</label>
          <select
            id="context-brand"
            value={activeBrand?.id ?? ''}
            onChange={onBrand}
            disabled={pending || !hasOrganization || brandsLoading}
          >
            <option value="">All brands</option>
            {brands.map((brand) => (
              <option key={brand.id} value={brand.id}>
                {brand.name}
              </option>
            ))}
          </select>
        </div>
        <p className="active-brand" title="Brand in view">
          <span className="muted">Viewing</span>{' '}
          <strong data-testid="active-brand">
            {activeBrand?.name ?? (me.activeBrandId && brandsLoading ? 'Loading…' : 'All brands')}
          </strong>
        </p>
      </div>
      <div className="user-box">
        <NotificationBell />
        <div className="user-identity">
          <span className="user-name">{me.user.name}</span>
          <span className="user-role">{roleLabel(me.role)}</span>
        </div>
        <button type="button" className="button button-small button-quiet" onClick={onSignOut}>
          Sign out
        </button>
      </div>
      {error !== null && (
        <div className="topbar-error">
          <ErrorMessage error={error} />
        </div>
      )}
    </header>
  );
}
