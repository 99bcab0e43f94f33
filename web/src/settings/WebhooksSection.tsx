import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import type { ItemList } from '../api/types';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { CopyButton } from '../common/CopyButton';
import { EmptyState, ErrorMessage, Loading } from '../common/feedback';
import { formatDateTime } from '../common/format';
import type {
  CreatedWebhookSubscription,
  WebhookDelivery,
  WebhookSubscription,
} from '../notifications/notificationsApi';
import { usePolling } from '../offers/usePolling';
import { useWorkspace } from '../shell/workspace';
import '../notifications/notifications.css';

const webhooksManage = 'webhooks.manage';
const deliveryPollMs = 3_000;

/** Settings → Webhooks: subscriptions to outbound events and what was delivered to them. */
export function WebhooksSection() {
  const canManage = useCan(webhooksManage);
  if (!canManage) {
    return (
      <section className="card" id="webhooks" aria-labelledby="webhooks-heading">
        <h2 id="webhooks-heading">Webhooks</h2>
        <p className="muted">Only owners and social ops can see and add webhooks.</p>
      </section>
    );
  }
  return <ManageWebhooks />;
}

function ManageWebhooks() {
  const { organizationId } = useWorkspace();
  const subscriptions = useQuery<ItemList<WebhookSubscription>>('/api/v1/webhooks', organizationId);
  const [url, setUrl] = useState('');
  const [eventTypes, setEventTypes] = useState('*');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<CreatedWebhookSubscription | null>(null);
  const [formError, setFormError] = useState<unknown>(null);
  const [listError, setListError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const [shown, setShown] = useState<string | null>(null);

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setFormError(null);
    setCreated(null);
    try {
      const types = eventTypes
        .split(/[\s,]+/)
        .map((type) => type.trim())
        .filter((type) => type !== '');
      const result = await api<CreatedWebhookSubscription>('/api/v1/webhooks', {
        method: 'POST',
        body: {
          url: url.trim(),
          eventTypes: types.length > 0 ? types : ['*'],
          ...(description.trim() ? { description: description.trim() } : {}),
        },
      });
      setCreated(result);
      setUrl('');
      setDescription('');
      subscriptions.reload();
    } catch (caught) {
      setFormError(caught);
    } finally {
      setPending(false);
    }
  };

  const remove = async (subscription: WebhookSubscription) => {
    if (
      !window.confirm(
        `Remove the webhook to ${subscription.url}? Events stop at once and its delivery history is deleted.`,
      )
    )
      return;
    setListError(null);
    try {
      await api<void>(`/api/v1/webhooks/${encodeURIComponent(subscription.id)}`, {
        method: 'DELETE',
      });
      if (created?.id === subscription.id) setCreated(null);
      if (shown === subscription.id) setShown(null);
      subscriptions.reload();
    } catch (caught) {
      setListError(caught);
    }
  };

  const items = subscriptions.data?.items ?? [];
  const shownSubscription = items.find((item) => item.id === shown);
  return (
    <section className="card" id="webhooks" aria-labelledby="webhooks-heading">
      <div className="card-header">
        <h2 id="webhooks-heading">Webhooks</h2>
        <p className="muted">
          Mydrop POSTs events (approvals, go/no-go, shows…) as JSON to these URLs, signed with{' '}
          <code>Mydrop-Signature</code>. Failed deliveries are retried for about an hour.
        </p>
      </div>
      <form className="form form-inline" onSubmit={create}>
        <div className="field">
          <label htmlFor="webhook-url">Endpoint URL</label>
          <input
            id="webhook-url"
            type="url"
            required
            placeholder="https://hooks.example.com/mydrop"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="webhook-events">Event types</label>
          <input
            id="webhook-events"
            placeholder="* or approval.*, show.live"
            value={eventTypes}
            onChange={(event) => setEventTypes(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="webhook-description">Description</label>
          <input
            id="webhook-description"
            placeholder="e.g. Ops Slack bridge"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        </div>
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Adding…' : 'Add webhook'}
        </button>
      </form>
      <ErrorMessage error={formError} />
      {created && (
        <div className="secret-box secret-box-warning" role="status">
          <p>
            <strong>Copy the signing secret now, it will not be shown again.</strong> Verify each
            delivery to {created.url} with it (docs/operations.md, Outbound webhooks).
          </p>
          <div className="secret-row">
            <code className="secret-value" data-testid="new-webhook-secret">
              {created.secret}
            </code>
            <CopyButton text={created.secret} label="Copy secret" />
          </div>
          <button
            type="button"
            className="button button-small button-quiet"
            onClick={() => setCreated(null)}
          >
            I have copied it
          </button>
        </div>
      )}

      <ErrorMessage error={listError} />
      {subscriptions.loading && !subscriptions.data ? (
        <Loading label="Loading webhooks…" />
      ) : subscriptions.error ? (
        <ErrorMessage error={subscriptions.error} onRetry={subscriptions.reload} />
      ) : items.length === 0 ? (
        <EmptyState title="No webhooks yet" />
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Events</th>
                <th scope="col">Secret</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((subscription) => (
                <tr key={subscription.id}>
                  <td>
                    <code>{subscription.url}</code>
                    {subscription.description && (
                      <div className="muted">{subscription.description}</div>
                    )}
                  </td>
                  <td>{subscription.eventTypes.join(', ')}</td>
                  <td>
                    <code>{subscription.secretHint}</code>
                  </td>
                  <td>{formatDateTime(subscription.createdAt)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="button button-small button-quiet"
                      aria-expanded={shown === subscription.id}
                      onClick={() => setShown(shown === subscription.id ? null : subscription.id)}
                    >
                      Deliveries<span className="visually-hidden"> to {subscription.url}</span>
                    </button>
                    <button
                      type="button"
                      className="button button-small button-danger"
                      onClick={() => void remove(subscription)}
                    >
                      Remove<span className="visually-hidden"> {subscription.url}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shownSubscription && <Deliveries subscription={shownSubscription} />}
    </section>
  );
}

const statusBadge: Record<WebhookDelivery['status'], string> = {
  delivered: 'badge badge-ok',
  pending: 'badge badge-warning',
  failed: 'badge badge-failed',
};

function Deliveries({ subscription }: { subscription: WebhookSubscription }) {
  const path = `/api/v1/webhooks/${encodeURIComponent(subscription.id)}`;
  const deliveries = useQuery<ItemList<WebhookDelivery>>(`${path}/deliveries?limit=25`);
  const [testError, setTestError] = useState<unknown>(null);
  const items = deliveries.data?.items ?? [];
  // Deliveries happen in the background: follow them while any is still on its way.
  usePolling(
    deliveries.reload,
    items.some((delivery) => delivery.status === 'pending'),
    deliveryPollMs,
  );

  const sendTest = async () => {
    setTestError(null);
    try {
      await api<{ eventId: string }>(`${path}/test`, { method: 'POST' });
      deliveries.reload();
    } catch (caught) {
      setTestError(caught);
    }
  };

  return (
    <div className="webhook-deliveries" aria-live="polite">
      <div className="card-header">
        <h3>Recent deliveries to {subscription.url}</h3>
        <div className="actions">
          <button type="button" className="button button-small" onClick={() => void sendTest()}>
            Send test event
          </button>
          <button
            type="button"
            className="button button-small button-quiet"
            onClick={deliveries.reload}
          >
            Refresh
          </button>
        </div>
      </div>
      <ErrorMessage error={testError} />
      {deliveries.loading && !deliveries.data ? (
        <Loading label="Loading deliveries…" />
      ) : deliveries.error ? (
        <ErrorMessage error={deliveries.error} onRetry={deliveries.reload} />
      ) : items.length === 0 ? (
        <EmptyState title="Nothing delivered yet" />
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col" className="numeric">
                  Attempts
                </th>
                <th scope="col">Last answer</th>
                <th scope="col">Next attempt</th>
              </tr>
            </thead>
            <tbody>
              {items.map((delivery) => (
                <tr key={delivery.id}>
                  <td>
                    <code>{delivery.type}</code>
                    <div className="muted">{formatDateTime(delivery.createdAt)}</div>
                  </td>
                  <td>
                    <span className={statusBadge[delivery.status]} data-testid="delivery-status">
                      {delivery.status}
                    </span>
                  </td>
                  <td className="numeric">{delivery.attempts}</td>
                  <td>
                    {delivery.lastError ??
                      (delivery.lastStatusCode !== null ? `HTTP ${delivery.lastStatusCode}` : '—')}
                  </td>
                  <td>{delivery.nextAttemptAt ? formatDateTime(delivery.nextAttemptAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
