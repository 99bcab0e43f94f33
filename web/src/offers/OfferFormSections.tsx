import { FieldErrors, TextField } from './FormField';
import { currencyDigits, parseMajorAmount } from './money';
import type { DraftErrors, OfferDraft } from './offerDraft';
import { PriceTiersField } from './PriceTiersField';
import { UrgencyStagesField } from './UrgencyStagesField';

export interface SectionProps {
  draft: OfferDraft;
  errors: DraftErrors;
  update: (patch: Partial<OfferDraft>) => void;
}

/** "= 2990 minor units": shows what will be sent, so a misplaced decimal is caught here. */
function minorPreview(price: string, currency: string): string {
  if (price.trim() === '') return '';
  const parsed = parseMajorAmount(price, currency);
  return parsed.ok ? ` Sent as ${parsed.minor} minor units.` : '';
}

export function PricingSection({ draft, errors, update }: SectionProps) {
  const currency = draft.currency.trim().toUpperCase();
  const digits = currencyDigits(currency);
  const example = digits === 0 ? '1500' : `29.${'9'.padEnd(digits ?? 2, '0')}`;
  return (
    <fieldset className="fieldset">
      <legend>Price</legend>
      <div className="field-row">
        <TextField
          id="offer-currency"
          className="field-narrow"
          label="Currency"
          value={draft.currency}
          onChange={(value) => update({ currency: value.toUpperCase() })}
          maxLength={3}
          autoComplete="off"
          errors={errors.currency}
        />
        <TextField
          id="offer-price"
          label={`Price (${currency || '—'})`}
          value={draft.price}
          onChange={(value) => update({ price: value })}
          inputMode="decimal"
          placeholder={example}
          hint={`In major units, e.g. ${example}.${minorPreview(draft.price, currency)}`}
          errors={errors.priceMinor}
        />
      </div>
      {draft.kind === 'tiered_bundle' && (
        <PriceTiersField
          tiers={draft.tiers}
          currency={currency}
          errors={errors.priceTiers}
          onChange={(tiers) => update({ tiers })}
        />
      )}
    </fieldset>
  );
}

export function LimitsSection({ draft, errors, update }: SectionProps) {
  return (
    <fieldset className="fieldset">
      <legend>Limits and urgency</legend>
      <div className="field-row">
        <TextField
          id="offer-per-buyer-limit"
          label="Per-buyer limit"
          type="number"
          min={1}
          step={1}
          value={draft.perBuyerLimit}
          onChange={(value) => update({ perBuyerLimit: value })}
          hint="Units one shopper may buy; empty for no limit."
          errors={errors.perBuyerLimit}
        />
        <TextField
          id="offer-hold-ttl"
          label="Hold time (minutes)"
          type="number"
          min={0.5}
          max={1440}
          step="any"
          value={draft.holdTtlMinutes}
          onChange={(value) => update({ holdTtlMinutes: value })}
          hint="How long a claimed unit waits for checkout."
          errors={errors.holdTtlSeconds}
        />
        <TextField
          id="offer-low-stock"
          label="Low-stock threshold"
          type="number"
          min={0}
          step={1}
          value={draft.lowStockThreshold}
          onChange={(value) => update({ lowStockThreshold: value })}
          hint="Shoppers see “almost gone” at or below this many units."
          errors={errors.lowStockThreshold}
        />
      </div>
      <div className="field-row urgency-rule">
        <TextField
          id="offer-urgency-first"
          className="field-narrow"
          label="First … orders"
          type="number"
          min={1}
          step={1}
          value={draft.urgencyFirstOrders}
          onChange={(value) => update({ urgencyFirstOrders: value })}
          placeholder="100"
        />
        <TextField
          id="offer-urgency-bonus"
          label="… get this bonus"
          value={draft.urgencyBonus}
          onChange={(value) => update({ urgencyBonus: value })}
          placeholder="a Silk Sleep Mask"
          maxLength={200}
          errors={errors.urgencyRule}
        />
      </div>
      <p className="hint">Urgency rule, optional: leave both empty for none.</p>
      <UrgencyStagesField
        stages={draft.urgencyStages}
        errors={errors.urgencyStages}
        onChange={(urgencyStages) => update({ urgencyStages })}
      />
    </fieldset>
  );
}

export function WindowSection({ draft, errors, update }: SectionProps) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const needsEnd = draft.kind === 'time_limited_bundle';
  return (
    <fieldset className="fieldset">
      <legend>Window</legend>
      <div className="field-row">
        <TextField
          id="offer-starts-at"
          label="Starts"
          type="datetime-local"
          value={draft.startsAt}
          onChange={(value) => update({ startsAt: value })}
          errors={errors.startsAt}
        />
        <TextField
          id="offer-ends-at"
          label="Ends"
          type="datetime-local"
          value={draft.endsAt}
          onChange={(value) => update({ endsAt: value })}
          errors={errors.endsAt}
        />
      </div>
      <div className="field field-checkbox">
        <label htmlFor="offer-ends-with-stream">
          <input
            id="offer-ends-with-stream"
            type="checkbox"
            checked={draft.endsWithStream}
            onChange={(event) => update({ endsWithStream: event.target.checked })}
          />{' '}
          Ends when the stream closes
        </label>
        <FieldErrors errors={errors.endsWithStream} />
      </div>
      <p className="hint">
        Times are in your zone ({zone}) and stored in UTC. Both are optional
        {needsEnd
          ? '; a time-limited bundle needs an end time or “ends when the stream closes”.'
          : '.'}
      </p>
    </fieldset>
  );
}
