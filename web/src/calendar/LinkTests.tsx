import { type FormEvent, useState } from 'react';
import { useCan } from '../auth/session';
import { ErrorMessage } from '../common/feedback';
import { confirmCrmTag, recordLinkTest, type Show, ShowPermission } from './showsApi';

/**
 * Seed 004: "the link is only live in the broadcast if a test order has cleared to payment
 * and reached a CRM tag that the reporting team can see". Per offer: record the test order,
 * then confirm the CRM tag with the name of who saw it.
 */
export function LinkTests({ show, onChanged }: { show: Show; onChanged: () => void }) {
  const canRun = useCan(ShowPermission.run) && show.status === 'scheduled';
  return (
    <section className="card" aria-labelledby="link-tests-heading">
      <div className="card-header">
        <h2 id="link-tests-heading">Commerce link tests</h2>
        <p className="muted">
          A paid test order per link, and its CRM tag seen by the reporting team.
        </p>
      </div>
      {show.offers.length === 0 ? (
        <p className="muted">No offers are attached to this show.</p>
      ) : (
        <ul className="plain-list link-tests">
          {show.offers.map((offer) => (
            <OfferLinkTest
              key={offer.offerId}
              show={show}
              offer={offer}
              canRun={canRun}
              onChanged={onChanged}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function OfferLinkTest({
  show,
  offer,
  canRun,
  onChanged,
}: {
  show: Show;
  offer: Show['offers'][number];
  canRun: boolean;
  onChanged: () => void;
}) {
  const test = show.linkTests.find((candidate) => candidate.offerId === offer.offerId);
  const [orderId, setOrderId] = useState('');
  const [confirmedBy, setConfirmedBy] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fieldId = `link-${offer.offerId}`;

  const run = (call: () => Promise<unknown>) => async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      await call();
      setOrderId('');
      setConfirmedBy('');
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };

  return (
    <li className="link-test" data-testid="link-test">
      <strong>{offer.title}</strong>
      <p className="muted">
        {!test
          ? 'No test order yet.'
          : test.crmConfirmedAt
            ? `Order ${test.orderId.slice(0, 8)} paid; CRM tag confirmed by ${test.crmConfirmedBy} (${test.crmConfirmedVia}).`
            : `Order ${test.orderId.slice(0, 8)} paid; waiting for its CRM tag.`}
      </p>
      <ErrorMessage error={error} />
      {canRun && (
        <form
          className="form-inline"
          onSubmit={run(() => recordLinkTest(show.id, offer.offerId, orderId.trim()))}
        >
          <div className="field">
            <label htmlFor={`${fieldId}-order`}>Test order ID</label>
            <input
              id={`${fieldId}-order`}
              value={orderId}
              required
              onChange={(event) => setOrderId(event.target.value)}
            />
          </div>
          <button type="submit" className="button button-small" disabled={pending}>
            Record test order
          </button>
        </form>
      )}
      {canRun && test && !test.crmConfirmedAt && (
        <form
          className="form-inline"
          onSubmit={run(() => confirmCrmTag(show.id, offer.offerId, confirmedBy.trim()))}
        >
          <div className="field">
            <label htmlFor={`${fieldId}-crm`}>CRM tag seen by</label>
            <input
              id={`${fieldId}-crm`}
              value={confirmedBy}
              required
              onChange={(event) => setConfirmedBy(event.target.value)}
            />
          </div>
          <button type="submit" className="button button-small" disabled={pending}>
            Confirm CRM tag
          </button>
        </form>
      )}
    </li>
  );
}
