import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { ApiError, api, onUnauthenticated } from '../api/client';
import type { Me } from '../api/types';

/**
 * Who is signed in. `unknown` until /api/v1/me has answered; `signed-out` after a 401 from any
 * authenticated call, so the shell can send the user to /login.
 */
export type SessionState =
  | { status: 'unknown' }
  | { status: 'loading' }
  | { status: 'signed-in'; me: Me }
  | { status: 'signed-out' }
  | { status: 'failed'; error: unknown };

interface SessionValue {
  session: SessionState;
  /** Loads /api/v1/me (again). */
  load: () => Promise<void>;
  /** Records the Me returned by login, invitation acceptance or a context switch. */
  setMe: (me: Me) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: 'unknown' });

  useEffect(() => {
    onUnauthenticated(() => setSession({ status: 'signed-out' }));
    return () => onUnauthenticated(null);
  }, []);

  const load = useCallback(async () => {
    setSession({ status: 'loading' });
    try {
      const me = await api<Me>('/api/v1/me', { authenticated: false });
      setSession({ status: 'signed-in', me });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setSession({ status: 'signed-out' });
      else setSession({ status: 'failed', error });
    }
  }, []);

  const setMe = useCallback((me: Me) => setSession({ status: 'signed-in', me }), []);

  const signOut = useCallback(async () => {
    try {
      await api<void>('/api/v1/auth/logout', { method: 'POST', authenticated: false });
    } catch (error) {
      // The local session ends either way; the server's cookie expires on its own.
      console.warn('Sign-out request failed', error);
    }
    setSession({ status: 'signed-out' });
  }, []);

  const value = useMemo(() => ({ session, load, setMe, signOut }), [session, load, setMe, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

/** The signed-in user's Me; only for components rendered inside the shell. */
export function useMe(): Me {
  const { session } = useSession();
  if (session.status !== 'signed-in') throw new Error('No signed-in user');
  return session.me;
}

export function useCan(permission: string): boolean {
  return useMe().permissions.includes(permission);
}
