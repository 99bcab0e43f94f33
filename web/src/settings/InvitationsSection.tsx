import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import type { CreatedInvitation, Invitation, ItemList } from '../api/types';
import { useQuery } from '../api/useQuery';
import { CopyButton } from '../common/CopyButton';
import { ErrorMessage, Loading } from '../common/feedback';
import { formatDateTime, roleLabel } from '../common/format';
import { useWorkspace } from '../shell/workspace';
import { RoleSelect, roleDescription } from './RoleSelect';
import type { RolesState } from './useRoles';

function isPending(invitation: Invitation): boolean {
  return invitation.acceptedAt === null && invitation.revokedAt === null;
}

function isExpired(invitation: Invitation): boolean {
  return new Date(invitation.expiresAt).getTime() < Date.now();
}

export function InvitationsSection({ roles }: { roles: RolesState }) {
  const { organizationId } = useWorkspace();
  const invitations = useQuery<ItemList<Invitation>>('/api/v1/invitations', organizationId);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('');
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const [formError, setFormError] = useState<unknown>(null);
  const [listError, setListError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const chosenRole = role || roles.items.find((item) => item.role !== 'owner')?.role || '';

  const invite = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setFormError(null);
    setCreated(null);
    try {
      const result = await api<CreatedInvitation>('/api/v1/invitations', {
        method: 'POST',
        body: { email: email.trim(), role: chosenRole },
      });
      setCreated(result);
      setEmail('');
      invitations.reload();
    } catch (caught) {
      setFormError(caught);
    } finally {
      setPending(false);
    }
  };

  const revoke = async (invitation: Invitation) => {
    if (
      !window.confirm(`Revoke the invitation for ${invitation.email}? Its link will stop working.`)
    )
      return;
    setListError(null);
    try {
      await api<void>(`/api/v1/invitations/${encodeURIComponent(invitation.id)}`, {
        method: 'DELETE',
      });
      if (created?.id === invitation.id) setCreated(null);
      invitations.reload();
    } catch (caught) {
      setListError(caught);
    }
  };

  const open = (invitations.data?.items ?? []).filter(isPending);
  return (
    <section className="card" id="invite" aria-labelledby="invite-heading">
      <div className="card-header">
        <h2 id="invite-heading">Invite</h2>
        <p className="muted">
          Invite someone to this organisation with a role. They choose their own password.
        </p>
      </div>
      <form className="form form-inline" onSubmit={invite}>
        <div className="field">
          <label htmlFor="invite-email">Email</label>
          <input
            id="invite-email"
            type="email"
            required
            autoComplete="off"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </div>
        <div className="field">
          <RoleSelect
            id="invite-role"
            label="Role"
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
          {pending ? 'Inviting…' : 'Send invitation'}
        </button>
      </form>
      {chosenRole && <p className="hint">{roleDescription(roles, chosenRole)}</p>}
      <ErrorMessage error={formError ?? roles.error} />
      {created && (
        <div className="secret-box" role="status">
          <p>
            <strong>Invitation created for {created.email}.</strong> E-mail is not configured on
            this server, so nobody has been notified: share this link with them yourself. It is
            shown only now.
          </p>
          <div className="secret-row">
            <code className="secret-value">{created.acceptUrl}</code>
            <CopyButton text={created.acceptUrl} label="Copy link" />
          </div>
          <p className="hint">The link expires {formatDateTime(created.expiresAt)}.</p>
        </div>
      )}

      <h3>Pending invitations</h3>
      <ErrorMessage error={listError} />
      {invitations.loading && !invitations.data ? (
        <Loading label="Loading invitations…" />
      ) : invitations.error ? (
        <ErrorMessage error={invitations.error} onRetry={invitations.reload} />
      ) : open.length === 0 ? (
        <p className="muted">No pending invitations.</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Sent</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {open.map((invitation) => (
                <tr key={invitation.id}>
                  <td>{invitation.email}</td>
                  <td>{roleLabel(invitation.role)}</td>
                  <td>{formatDateTime(invitation.createdAt)}</td>
                  <td>
                    {formatDateTime(invitation.expiresAt)}
                    {isExpired(invitation) && <span className="badge badge-warning">expired</span>}
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="button button-small button-danger"
                      onClick={() => void revoke(invitation)}
                    >
                      Revoke
                      <span className="visually-hidden"> invitation for {invitation.email}</span>
                    </button>
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
