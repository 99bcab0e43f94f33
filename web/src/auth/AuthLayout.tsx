import type { ReactNode } from 'react';
import { useDocumentTitle } from '../common/feedback';

/** The calm, centred frame around the sign-in and invitation screens. */
export function AuthLayout({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}) {
  useDocumentTitle(title);
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand-mark">
          <span className="brand-logo" aria-hidden="true" />
          <span>Mydrop</span>
        </div>
        <h1>{title}</h1>
        {subtitle && <p className="auth-subtitle">{subtitle}</p>}
        {children}
      </div>
      <p className="auth-footer">
        Live-commerce operations: plan, govern, sell, run the show, measure.
      </p>
    </main>
  );
}
