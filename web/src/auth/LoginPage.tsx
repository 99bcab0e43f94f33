import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import type { Me } from '../api/types';
import { ErrorMessage } from '../common/feedback';
import { safeNextPath, useNavigate, useSearchParam } from '../router/router';
import { AuthLayout } from './AuthLayout';
import { useSession } from './session';

export function LoginPage() {
  const { setMe } = useSession();
  const navigate = useNavigate();
  const next = safeNextPath(useSearchParam('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const me = await api<Me>('/api/v1/auth/login', {
        method: 'POST',
        body: { email: email.trim(), password },
        authenticated: false,
      });
      setMe(me);
      navigate(next, { replace: true });
    } catch (caught) {
      setError(caught);
      setPending(false);
    }
  };

  return (
    <AuthLayout title="Sign in" subtitle="Use the e-mail address your organisation invited.">
      <form className="form" onSubmit={submit}>
        <ErrorMessage error={error} />
        <div className="field">
          <label htmlFor="login-email">Email</label>
          <input
            id="login-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </div>
        <button type="submit" className="button button-primary button-block" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
