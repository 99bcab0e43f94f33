import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import type { ApiToken, CreatedApiToken, ItemList } from '../api/types';
import { useQuery } from '../api/useQuery';
import { CopyButton } from '../common/CopyButton';
import { EmptyState, ErrorMessage, Loading } from '../common/feedback';
import { formatDateTime, roleLabel } from '../common/format';
import { useWorkspace } from '../shell/workspace';
import { RoleSelect } from './RoleSelect';
import type { RolesState } from './useRoles';

export function TokensSection({ roles }: { roles: RolesState }) {
  const { organizationId } = useWorkspace();
  const tokens = useQuery<ItemList<ApiToken>>('/api/v1/tokens', organizationId);
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [formError, setFormError] = useState<unknown>(null);
  const [listError, setListError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const chosenRole = role || roles.items.find((item) => item.role !== 'owner')?.role || '';

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setFormError(null);
    setCreated(null);
    try {
      const result = await api<CreatedApiToken>('/api/v1/tokens', {
        method: 'POST',
        body: { name: name.trim(), role: chosenRole },
      });
      setCreated(result);
      setName('');
      tokens.reload();
    } catch (caught) {
      setFormError(caught);
    } finally {
      setPending(false);
    }
  };

  const revoke = async (token: ApiToken) => {
    if (
      !window.confirm(
        `Revoke the token "${token.name}"? Anything using it will stop working at once.`,
      )
    )
      return;
    setListError(null);
    try {
      await api<void>(`/api/v1/tokens/${encodeURIComponent(token.id)}`, { method: 'DELETE' });
      if (created?.id === token.id) setCreated(null);
      tokens.reload();
    } catch (caught) {
      setListError(caught);
    }
  };

  const items = tokens.data?.items ?? [];
  return (
    <section className="card" id="tokens" aria-labelledby="tokens-heading">
      <div className="card-header">
        <h2 id="tokens-heading">API tokens</h2>
        <p className="muted">
          Tokens let scripts and integrations call the API with a role of their own. Send one as{' '}
          <code>Authorization: Bearer &lt;token&gt;</code>.
        </p>
      </div>
      <form className="form form-inline" onSubmit={create}>
        <div className="field">
          <label htmlFor="token-name">Token name</label>
          <input
            id="token-name"
            required
            placeholder="e.g. Checkout sync"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="field">
          <RoleSelect
            id="token-role"
            label="Token role"
            value={chosenRole}
            roles={roles}
            onChange={setRole}
          />
        </div>
        <button
          type="submit"
          className="button button-primary"
          disabled={pending || chosenRole === ''}
        >
          {pending ? 'Creating…' : 'Create token'}
        </button>
      </form>
      <ErrorMessage error={formError} />
      {created && (
        <div className="secret-box secret-box-warning" role="status">
          <p>
            <strong>Copy it now, it will not be shown again.</strong> This is the secret for “
            {created.name}”. Store it somewhere safe; if it is lost, revoke it and create a new one.
          </p>
          <div className="secret-row">
            <code className="secret-value" data-testid="new-token">
              {created.token}
            </code>
            <CopyButton text={created.token} label="Copy token" />
          </div>
          <button
            type="button"
            className="button button-small button-quiet"
            onClick={() => setCreated(null)}
          >
            I have copied it
          </button>
        </div>
      )}

      <ErrorMessage error={listError} />
      {tokens.loading && !tokens.data ? (
        <Loading label="Loading tokens…" />
      ) : tokens.error ? (
        <ErrorMessage error={tokens.error} onRetry={tokens.reload} />
      ) : items.length === 0 ? (
        <EmptyState title="No API tokens yet" />
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((token) => (
                <tr key={token.id} className={token.revokedAt ? 'row-muted' : undefined}>
                  <td>{token.name}</td>
                  <td>{roleLabel(token.role)}</td>
                  <td>
                    <code>{token.prefix}…</code>
                  </td>
                  <td>{formatDateTime(token.createdAt)}</td>
                  <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'Never'}</td>
                  <td>
                    {token.revokedAt ? (
                      <span className="badge badge-quiet">
                        Revoked {formatDateTime(token.revokedAt)}
                      </span>
                    ) : (
                      <span className="badge badge-ok">Active</span>
                    )}
                  </td>
                  <td className="actions">
                    {!token.revokedAt && (
                      <button
                        type="button"
                        className="button button-small button-danger"
                        onClick={() => void revoke(token)}
                      >
                        Revoke<span className="visually-hidden"> {token.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
