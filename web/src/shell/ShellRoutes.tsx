import { ApprovalsPage } from '../approvals/ApprovalsPage';
import { BenchmarksPage } from '../benchmarks/BenchmarksPage';
import { CalendarPage } from '../calendar/CalendarPage';
import { EmptyState, PageHeader } from '../common/feedback';
import { OffersPage } from '../offers/OffersPage';
import { OrdersPage } from '../orders/OrdersPage';
import { Link, Redirect, useLocation } from '../router/router';
import { SettingsPage } from '../settings/SettingsPage';
import { UpcomingArea } from '../upcoming/UpcomingArea';
import { upcomingAreas } from '../upcoming/upcomingAreas';

export function ShellRoutes() {
  const { pathname } = useLocation();
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;

  if (path === '/') return <Redirect to="/calendar" />;
  if (path === '/calendar' || path.startsWith('/calendar/')) return <CalendarPage />;
  if (path === '/offers') return <OffersPage />;
  if (path === '/orders') return <OrdersPage />;
  if (path === '/approvals') return <ApprovalsPage />;
  if (path === '/benchmarks') return <BenchmarksPage />;
  if (path === '/settings') return <SettingsPage />;
  const upcoming = upcomingAreas.find((area) => area.path === path);
  if (upcoming) return <UpcomingArea area={upcoming} />;
  return <NotFound />;
}

function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState title="There is nothing at this address">
        <p>
          Check the link, or go to the <Link to="/calendar">calendar</Link>.
        </p>
      </EmptyState>
    </>
  );
}
