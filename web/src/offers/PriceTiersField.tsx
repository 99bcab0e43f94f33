import { type OfferDraft, rowKey } from './offerDraft';
import { RowListField } from './RowListField';

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
  return (
    <RowListField
      legend="Price tiers"
      rows={tiers}
      max={10}
      empty="No tiers yet: every unit costs the base price."
      addLabel="Add a tier"
      removeLabel={(n) => `Remove tier ${n}`}
      newRow={() => ({ key: rowKey(), minQuantity: '', unitPrice: '' })}
      errorsId="offer-tiers-error"
      errors={errors}
      onChange={onChange}
    >
      {(tier, set) => (
        <>
          <div className="field field-narrow">
            <label htmlFor={`offer-tier-min-${tier.key}`}>From quantity</label>
            <input
              id={`offer-tier-min-${tier.key}`}
              type="number"
              min={2}
              step={1}
              value={tier.minQuantity}
              onChange={(event) => set({ minQuantity: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`offer-tier-price-${tier.key}`}>Unit price ({currency})</label>
            <input
              id={`offer-tier-price-${tier.key}`}
              inputMode="decimal"
              value={tier.unitPrice}
              onChange={(event) => set({ unitPrice: event.target.value })}
            />
          </div>
        </>
      )}
    </RowListField>
  );
}
