import { FieldErrors } from './FormField';
import { type OfferDraft, rowKey } from './offerDraft';

type Tiers = OfferDraft['tiers'];

/** Quantity breaks of a tiered bundle: from N units on, each costs this much. */
export function PriceTiersField({
  tiers,
  currency,
  errors,
  onChange,
}: {
  tiers: Tiers;
  currency: string;
  errors: string[] | undefined;
  onChange: (tiers: Tiers) => void;
}) {
  const setTier = (index: number, patch: Partial<Tiers[number]>) =>
    onChange(tiers.map((tier, at) => (at === index ? { ...tier, ...patch } : tier)));
  return (
    <fieldset className="fieldset">
      <legend>Price tiers</legend>
      {tiers.length === 0 && <p className="hint">No tiers yet: every unit costs the base price.</p>}
      <ol className="row-list">
        {tiers.map((tier, index) => (
          <li key={tier.key} className="field-row row-item">
            <div className="field field-narrow">
              <label htmlFor={`offer-tier-min-${tier.key}`}>From quantity</label>
              <input
                id={`offer-tier-min-${tier.key}`}
                type="number"
                min={2}
                step={1}
                value={tier.minQuantity}
                onChange={(event) => setTier(index, { minQuantity: event.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor={`offer-tier-price-${tier.key}`}>Unit price ({currency})</label>
              <input
                id={`offer-tier-price-${tier.key}`}
                inputMode="decimal"
                value={tier.unitPrice}
                onChange={(event) => setTier(index, { unitPrice: event.target.value })}
              />
            </div>
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => onChange(tiers.filter((_, at) => at !== index))}
              aria-label={`Remove tier ${index + 1}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button button-small"
        disabled={tiers.length >= 10}
        onClick={() => onChange([...tiers, { key: rowKey(), minQuantity: '', unitPrice: '' }])}
      >
        Add a tier
      </button>
      <FieldErrors id="offer-tiers-error" errors={errors} />
    </fieldset>
  );
}
