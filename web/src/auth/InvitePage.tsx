import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { Me, PublicInvitation } from '../api/types';
import { useQuery } from '../api/useQuery';
import { ErrorMessage, Loading } from '../common/feedback';
import { formatDateTime, roleLabel } from '../common/format';
import { Link, useNavigate } from '../router/router';
import { AuthLayout } from './AuthLayout';
import { useSession } from './session';

const minimumPasswordLength = 12;

export function InvitePage({ token }: { token: string }) {
  const invitation = useQuery<PublicInvitation>(
    `/api/v1/public/invitations/${encodeURIComponent(token)}`,
  );

  if (invitation.loading) {
    return (
      <AuthLayout title="Invitation">
        <Loading label="Checking your invitation…" />
      </AuthLayout>
    );
  }
  if (invitation.error || !invitation.data) {
    const gone =
      invitation.error instanceof ApiError && [404, 409, 410].includes(invitation.error.status);
    return (
      <AuthLayout
        title="Invitation unavailable"
        subtitle={gone ? 'Ask the person who invited you to send a new invitation.' : undefined}
      >
        <ErrorMessage
          error={invitation.error ?? new Error('The invitation could not be loaded.')}
        />
        <p>
          <Link to="/login">Go to sign in</Link>
        </p>
      </AuthLayout>
    );
  }
  return <AcceptForm token={token} invitation={invitation.data} />;
}

function AcceptForm({ token, invitation }: { token: string; invitation: PublicInvitation }) {
  const { setMe } = useSession();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (password.length < minimumPasswordLength) {
      setError(new Error(`Choose a password of at least ${minimumPasswordLength} characters.`));
      return;
    }
    setPending(true);
    setError(null);
    try {
      const me = await api<Me>(`/api/v1/public/invitations/${encodeURIComponent(token)}/accept`, {
        method: 'POST',
        body: { name: name.trim(), password },
        authenticated: false,
      });
      setMe(me);
      navigate('/', { replace: true });
    } catch (caught) {
      setError(caught);
      setPending(false);
    }
  };

  return (
    <AuthLayout
      title={`Join ${invitation.organizationName}`}
      subtitle={
        <>
          You were invited as <strong>{roleLabel(invitation.role)}</strong> with{' '}
          <strong>{invitation.email}</strong>. The invitation expires{' '}
          {formatDateTime(invitation.expiresAt)}.
        </>
      }
    >
      <form className="form" onSubmit={submit}>
        <ErrorMessage error={error} />
        <div className="field">
          <label htmlFor="invite-name">Your name</label>
          <input
            id="invite-name"
            autoComplete="name"
            required
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="invite-password">Password</label>
          <input
            id="invite-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={minimumPasswordLength}
            aria-describedby="invite-password-hint"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <p className="hint" id="invite-password-hint">
            At least {minimumPasswordLength} characters. A short sentence works well.
          </p>
        </div>
        <button type="submit" className="button button-primary button-block" disabled={pending}>
          {pending ? 'Joining…' : 'Accept invitation'}
        </button>
      </form>
    </AuthLayout>
  );
}
