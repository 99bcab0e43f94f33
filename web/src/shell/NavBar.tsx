import { Link, useLocation } from '../router/router';
import { areas } from './areas';

export function NavBar({ open, onNavigate }: { open: boolean; onNavigate: () => void }) {
  const { pathname } = useLocation();
  return (
    <nav className={open ? 'sidebar sidebar-open' : 'sidebar'} aria-label="Main">
      <div className="brand-mark sidebar-brand">
        <span className="brand-logo" aria-hidden="true" />
        <span>Mydrop</span>
      </div>
      <ul className="nav-list">
        {areas.map((area) => {
          const current = pathname === area.path || pathname.startsWith(`${area.path}/`);
          return (
            <li key={area.path}>
              <Link
                to={area.path}
                className={current ? 'nav-link nav-link-current' : 'nav-link'}
                aria-current={current ? 'page' : undefined}
                onClick={onNavigate}
              >
                <span className="nav-icon" aria-hidden="true">
                  {area.icon}
                </span>
                {area.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
