import { InvitePage } from './auth/InvitePage';
import { LoginPage } from './auth/LoginPage';
import { matchPath, useLocation } from './router/router';
import { Shell } from './shell/Shell';

/** Top-level routes: the two public screens, and the signed-in shell for every other path. */
export function App() {
  const { pathname } = useLocation();
  if (matchPath('/login', pathname)) return <LoginPage />;
  const invitation = matchPath('/invite/:token', pathname);
  if (invitation?.token) return <InvitePage key={invitation.token} token={invitation.token} />;
  return <Shell />;
}
