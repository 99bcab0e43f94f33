import type { OfferKind } from '../api/types';
import { formatNumber } from '../common/format';
import { describedBy, FieldErrors } from './FormField';
import { type OfferDraft, rowKey } from './offerDraft';
import { patchRow, RowListField } from './RowListField';
import type { SkuEntry } from './skuDirectory';

type Rows = OfferDraft['components'];

interface Props {
  kind: OfferKind;
  rows: Rows;
  skus: SkuEntry[];
  errors: string[] | undefined;
  onChange: (rows: Rows) => void;
  /** Lets the form fill price and currency from the first SKU chosen. */
  onFirstSkuChosen: (entry: SkuEntry) => void;
}

function SkuSelect({
  id,
  value,
  skus,
  invalid,
  describedById,
  onChange,
}: {
  id: string;
  value: string;
  skus: SkuEntry[];
  invalid: boolean;
  describedById: string | undefined;
  onChange: (skuId: string) => void;
}) {
  return (
    <select
      id={id}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      aria-invalid={invalid || undefined}
      aria-describedby={describedById}
    >
      <option value="">Choose a SKU</option>
      {skus.map((entry) => (
        <option key={entry.sku.id} value={entry.sku.id}>
          {`${entry.label} · ${formatNumber(entry.sku.stockOnHand)} in stock`}
        </option>
      ))}
    </select>
  );
}

/** What the offer sells: one SKU, or for bundles several SKUs with a quantity each. */
export function ComponentsField({ kind, rows, skus, errors, onChange, onFirstSkuChosen }: Props) {
  const invalid = Boolean(errors?.length);
  const errorId = 'offer-components-error';
  const describedById = invalid ? errorId : undefined;
  const reportFirstSku = (index: number, skuId: string) => {
    const entry = skus.find((candidate) => candidate.sku.id === skuId);
    if (index === 0 && entry) onFirstSkuChosen(entry);
  };

  if (kind === 'single_sku') {
    return (
      <div className="field">
        <label htmlFor="offer-sku">SKU</label>
        <SkuSelect
          id="offer-sku"
          value={rows[0]?.skuId ?? ''}
          skus={skus}
          invalid={invalid}
          describedById={describedBy('offer-components', false, errors)}
          onChange={(skuId) => {
            onChange(patchRow(rows, 0, { skuId, quantity: '1' }));
            reportFirstSku(0, skuId);
          }}
        />
        <FieldErrors id={errorId} errors={errors} />
      </div>
    );
  }

  return (
    <RowListField
      legend="SKUs in the bundle"
      rows={rows}
      max={20}
      min={1}
      addLabel="Add a SKU"
      removeLabel={(n) => `Remove SKU ${n}`}
      newRow={() => ({ key: rowKey(), skuId: '', quantity: '1' })}
      errorsId={errorId}
      errors={errors}
      hint="Quantity is how many of that SKU one bundle contains."
      onChange={onChange}
    >
      {(row, set, index) => (
        <>
          <div className="field">
            <label htmlFor={`offer-sku-${row.key}`}>SKU {index + 1}</label>
            <SkuSelect
              id={`offer-sku-${row.key}`}
              value={row.skuId}
              skus={skus}
              invalid={invalid}
              describedById={describedById}
              onChange={(skuId) => {
                set({ skuId });
                reportFirstSku(index, skuId);
              }}
            />
          </div>
          <div className="field field-narrow">
            <label htmlFor={`offer-quantity-${row.key}`}>Quantity</label>
            <input
              id={`offer-quantity-${row.key}`}
              type="number"
              min={1}
              max={100}
              step={1}
              value={row.quantity}
              onChange={(event) => set({ quantity: event.target.value })}
            />
          </div>
        </>
      )}
    </RowListField>
  );
}
