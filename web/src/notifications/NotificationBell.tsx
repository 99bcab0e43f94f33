import { useEffect, useId, useRef, useState } from 'react';
import { useQuery } from '../api/useQuery';
import { ErrorMessage } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { usePolling } from '../offers/usePolling';
import { Link } from '../router/router';
import { useWorkspace } from '../shell/workspace';
import {
  type AppNotification,
  type Inbox,
  inboxPath,
  inboxPollMs,
  markAllNotificationsRead,
  markNotificationRead,
} from './notificationsApi';
import './notifications.css';

/** The top bar's bell: unread count, and the latest notifications in a dropdown. */
export function NotificationBell() {
  const { organizationId } = useWorkspace();
  const inbox = useQuery<Inbox>(organizationId ? inboxPath : null, organizationId);
  const [open, setOpen] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const panelId = useId();
  const container = useRef<HTMLDivElement>(null);
  usePolling(inbox.reload, organizationId !== null, inboxPollMs);

  useEffect(() => {
    if (!open) return undefined;
    const closeOutside = (event: MouseEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', closeOutside);
    document.addEventListener('keydown', closeOnEscape);
    return () => {
      document.removeEventListener('mousedown', closeOutside);
      document.removeEventListener('keydown', closeOnEscape);
    };
  }, [open]);

  if (!organizationId) return null;
  const unread = inbox.data?.unreadCount ?? 0;
  const items = inbox.data?.items ?? [];

  const run = async (action: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await action();
      inbox.reload();
    } catch (caught) {
      setActionError(caught);
    }
  };
  const openItem = (item: AppNotification) => {
    setOpen(false);
    if (!item.readAt) void run(() => markNotificationRead(item.id));
  };

  return (
    <div className="notification-bell" ref={container}>
      <button
        type="button"
        className="bell-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        onClick={() => {
          setOpen((value) => !value);
          if (!open) inbox.reload();
        }}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="bell-count" data-testid="unread-count" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <section id={panelId} className="bell-panel" aria-label="Notifications">
          <header className="bell-panel-header">
            <h2>Notifications</h2>
            {unread > 0 && (
              <button
                type="button"
                className="button button-small button-quiet"
                onClick={() => void run(markAllNotificationsRead)}
              >
                Mark all read
              </button>
            )}
          </header>
          <ErrorMessage error={actionError ?? inbox.error} onRetry={inbox.reload} />
          {items.length === 0 ? (
            <p className="muted bell-empty">
              {inbox.loading ? 'Loading…' : 'Nothing yet. Reminders and escalations show up here.'}
            </p>
          ) : (
            <ul className="bell-list">
              {items.map((item) => (
                <li
                  key={item.id}
                  className={item.readAt ? 'bell-item' : 'bell-item bell-item-unread'}
                >
                  <NotificationEntry item={item} onOpen={() => openItem(item)} />
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}

function NotificationEntry({ item, onOpen }: { item: AppNotification; onOpen: () => void }) {
  const content = (
    <>
      <span className="bell-item-title">
        {!item.readAt && <span className="visually-hidden">Unread: </span>}
        {item.title}
      </span>
      <span className="bell-item-body">{item.body}</span>
      <time className="bell-item-time" dateTime={item.createdAt}>
        {formatDateTime(item.createdAt)}
      </time>
    </>
  );
  // Only console paths are followed: a link is data, and must not lead off-site.
  return item.link?.startsWith('/') && !item.link.startsWith('//') ? (
    <Link to={item.link} className="bell-item-link" onClick={onOpen}>
      {content}
    </Link>
  ) : (
    <button type="button" className="bell-item-link" onClick={onOpen}>
      {content}
    </button>
  );
}

/** Drawn rather than an emoji, which not every system font has. */
function BellIcon() {
  return (
    <svg
      className="bell-icon"
      viewBox="0 0 24 24"
      width="18"
      height="18"
      aria-hidden="true"
      focusable="false"
    >
      <path
        d="M12 3a6 6 0 0 0-6 6v3.6L4.3 15.4A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.6L18 12.6V9a6 6 0 0 0-6-6Zm-2.4 15.5a2.5 2.5 0 0 0 4.8 0Z"
        fill="currentColor"
      />
    </svg>
  );
}
