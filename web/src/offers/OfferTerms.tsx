import type { Offer } from '../api/types';
import { formatDateTime, formatMoney, formatNumber } from '../common/format';
import { kindLabels } from './offersApi';
import { StockBar, StockLegend } from './StockBar';
import type { SkuEntry } from './skuDirectory';

function windowText(offer: Offer): string {
  const start = offer.startsAt ? `from ${formatDateTime(offer.startsAt)}` : 'from going live';
  const end = offer.endsAt
    ? `until ${formatDateTime(offer.endsAt)}`
    : offer.endsWithStream
      ? 'until the stream closes'
      : 'until closed';
  const both = offer.endsAt && offer.endsWithStream ? ' or the stream closes' : '';
  return `${start} ${end}${both}`;
}

function minutes(seconds: number): string {
  const value = seconds / 60;
  return `${formatNumber(value)} ${value === 1 ? 'minute' : 'minutes'}`;
}

/** What was agreed: price, limits, timing, codes, and whether the approval still holds. */
export function OfferTerms({ offer }: { offer: Offer }) {
  const approvalHolds =
    offer.approvedTermsHash !== null && offer.approvedTermsHash === offer.termsHash;
  return (
    <dl className="terms-list">
      <dt>Kind</dt>
      <dd>{kindLabels[offer.kind]}</dd>
      <dt>Price</dt>
      <dd>
        {formatMoney(offer.priceMinor, offer.currency)}
        {offer.priceTiers.length > 0 && (
          <ul className="plain-list">
            {[...offer.priceTiers]
              .sort((a, b) => a.minQuantity - b.minQuantity)
              .map((tier) => (
                <li key={tier.minQuantity}>
                  From {formatNumber(tier.minQuantity)}:{' '}
                  {formatMoney(tier.unitPriceMinor, offer.currency)} each
                </li>
              ))}
          </ul>
        )}
      </dd>
      <dt>Per buyer</dt>
      <dd>
        {offer.perBuyerLimit === null ? 'No limit' : `At most ${formatNumber(offer.perBuyerLimit)}`}
      </dd>
      <dt>Hold time</dt>
      <dd>{minutes(offer.holdTtlSeconds)}</dd>
      <dt>Low stock at</dt>
      <dd>{formatNumber(offer.lowStockThreshold)} units</dd>
      <dt>Urgency</dt>
      <dd>
        {offer.urgencyRule
          ? `First ${formatNumber(offer.urgencyRule.firstOrders)} orders get ${offer.urgencyRule.bonus}`
          : 'None'}
      </dd>
      <dt>Stock messages</dt>
      <dd>
        {offer.urgencyStages.length === 0 ? (
          `Only N left, at or below ${formatNumber(offer.lowStockThreshold)}`
        ) : (
          <ul className="plain-list">
            {offer.urgencyStages.map((stage) => (
              <li key={stage.atOrBelow}>
                At or below {formatNumber(stage.atOrBelow)}: “{stage.message}”
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Window</dt>
      <dd>{windowText(offer)}</dd>
      <dt>Offer codes</dt>
      <dd>
        {offer.codes.map((code) => (
          <code key={code} className="code-chip">
            {code}
          </code>
        ))}
      </dd>
      <dt>Approval</dt>
      <dd>
        {approvalHolds
          ? `Terms approved ${formatDateTime(offer.approvedAt)}`
          : 'Not approved: the terms can still change'}
      </dd>
      {offer.reserveExpiresAt && offer.status === 'armed' && (
        <>
          <dt>Reserve ends</dt>
          <dd>{formatDateTime(offer.reserveExpiresAt)} unless live by then</dd>
        </>
      )}
    </dl>
  );
}

/** Stock of the offer as a whole, and per SKU in SKU units. */
export function OfferInventory({ offer, skus }: { offer: Offer; skus: Map<string, SkuEntry> }) {
  const inventory = offer.inventory;
  const skuName = (id: string) => skus.get(id)?.label ?? id;
  if (!inventory) {
    return (
      <>
        <p className="muted">
          {offer.status === 'closed'
            ? `Closed: ${formatNumber(offer.reservedUnits)} units sold; the rest went back to stock.`
            : 'No stock is reserved yet: arming the offer takes units from the catalog.'}
        </p>
        <ul className="plain-list">
          {offer.components.map((component) => (
            <li key={component.skuId}>
              {formatNumber(component.quantity)} × {skuName(component.skuId)}
            </li>
          ))}
        </ul>
      </>
    );
  }
  return (
    <>
      <StockLegend />
      <StockBar counts={inventory} wide />
      <p className="stock-summary" data-testid="offer-stock-summary">
        <strong>{formatNumber(inventory.reserved)}</strong> reserved ·{' '}
        <strong>{formatNumber(inventory.sold)}</strong> sold ·{' '}
        <strong>{formatNumber(inventory.held)}</strong> held ·{' '}
        <strong>{formatNumber(inventory.available)}</strong> available
        {inventory.waitlist > 0 && ` · ${formatNumber(inventory.waitlist)} on the waitlist`}
      </p>
      <div className="table-scroll">
        <table className="table">
          <caption className="visually-hidden">Stock per SKU, in SKU units</caption>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col" className="numeric">
                Per offer
              </th>
              <th scope="col" className="numeric">
                Reserved
              </th>
              <th scope="col" className="numeric">
                Available
              </th>
              <th scope="col" className="numeric">
                Held
              </th>
              <th scope="col" className="numeric">
                Sold
              </th>
            </tr>
          </thead>
          <tbody>
            {inventory.components.map((component) => (
              <tr key={component.skuId}>
                <td>{skuName(component.skuId)}</td>
                <td className="numeric">{formatNumber(component.quantity)}</td>
                <td className="numeric">{formatNumber(component.reserved)}</td>
                <td className="numeric">{formatNumber(component.available)}</td>
                <td className="numeric">{formatNumber(component.held)}</td>
                <td className="numeric">{formatNumber(component.sold)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
