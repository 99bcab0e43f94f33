import { useEffect, useState } from 'react';
import { useSession } from '../auth/session';
import { ErrorBoundary } from '../common/ErrorBoundary';
import { EmptyState, ErrorMessage, Loading } from '../common/feedback';
import { Redirect, useLocation } from '../router/router';
import { NavBar } from './NavBar';
import { ShellRoutes } from './ShellRoutes';
import { TopBar } from './TopBar';
import { WorkspaceProvider } from './workspace';

/** Everything behind sign-in: loads /api/v1/me, or sends the user to /login?next=… */
export function Shell() {
  const { session, load } = useSession();
  const location = useLocation();

  useEffect(() => {
    if (session.status === 'unknown') void load();
  }, [session.status, load]);

  if (session.status === 'signed-out') {
    const next = `${location.pathname}${location.search}`;
    const target = next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
    return <Redirect to={target} />;
  }
  if (session.status === 'failed') {
    return (
      <main className="centered-page">
        <ErrorMessage error={session.error} onRetry={() => void load()} />
      </main>
    );
  }
  if (session.status !== 'signed-in') {
    return (
      <main className="centered-page">
        <Loading label="Opening the console…" />
      </main>
    );
  }
  return (
    <WorkspaceProvider>
      <ShellFrame hasOrganization={session.me.organizations.length > 0} />
    </WorkspaceProvider>
  );
}

function ShellFrame({ hasOrganization }: { hasOrganization: boolean }) {
  const [navOpen, setNavOpen] = useState(false);
  const { pathname } = useLocation();
  return (
    <div className="shell">
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      <NavBar open={navOpen} onNavigate={() => setNavOpen(false)} />
      <div className="shell-main">
        <TopBar onToggleNav={() => setNavOpen((open) => !open)} />
        <main id="main-content" className="content" tabIndex={-1}>
          <ErrorBoundary key={pathname} scope="this page">
            {hasOrganization ? (
              <ShellRoutes />
            ) : (
              <EmptyState title="You are not a member of any organisation yet">
                <p>
                  Ask an organisation owner to invite you, then open the link from the invitation.
                </p>
              </EmptyState>
            )}
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}
