import type { ReactNode } from 'react';
import { FieldErrors } from './FormField';

/** `rows` with `patch` applied to the row at `index`; no row there, no change. */
export function patchRow<Row>(rows: Row[], index: number, patch: Partial<Row>): Row[] {
  return rows.map((row, at) => (at === index ? { ...row, ...patch } : row));
}

interface RowListProps<Row extends { key: number }> {
  rows: Row[];
  max: number;
  /** Rows that must stay: Remove is disabled at this count (a bundle keeps one SKU). */
  min?: number;
  addLabel: string;
  /** The Remove button's accessible name for row `n` (from 1). */
  removeLabel: (n: number, row: Row) => string;
  newRow: () => Row;
  onChange: (rows: Row[]) => void;
  listClassName?: string;
  itemClassName?: string;
  /** A row's fields; `set` changes that row, `index` counts from 0. */
  children: (row: Row, set: (patch: Partial<Row>) => void, index: number) => ReactNode;
}

/**
 * Rows the user adds and removes: each row's fields with a Remove button, then an Add button
 * while below `max`. For a list inside a fieldset the caller lays out itself (markets).
 */
export function RowList<Row extends { key: number }>({
  rows,
  max,
  min = 0,
  addLabel,
  removeLabel,
  newRow,
  onChange,
  listClassName = 'row-list',
  itemClassName = 'field-row row-item',
  children,
}: RowListProps<Row>) {
  return (
    <>
      <ol className={listClassName}>
        {rows.map((row, index) => (
          <li key={row.key} className={itemClassName}>
            {children(row, (patch) => onChange(patchRow(rows, index, patch)), index)}
            <button
              type="button"
              className="button button-small button-quiet"
              disabled={rows.length <= min}
              onClick={() => onChange(rows.filter((_, at) => at !== index))}
              aria-label={removeLabel(index + 1, row)}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button button-small"
        disabled={rows.length >= max}
        onClick={() => onChange([...rows, newRow()])}
      >
        {addLabel}
      </button>
    </>
  );
}

/**
 * A fieldset of rows the user adds and removes (SKUs of a bundle, price tiers, stock messages):
 * the legend, the rows (see RowList), a hint and the field's errors.
 */
export function RowListField<Row extends { key: number }>({
  legend,
  empty,
  errorsId,
  errors,
  hint,
  ...list
}: Omit<RowListProps<Row>, 'listClassName' | 'itemClassName'> & {
  legend: string;
  /** Shown while there are no rows: what that means. */
  empty?: ReactNode;
  errorsId: string;
  errors: string[] | undefined;
  hint?: ReactNode;
}) {
  return (
    <fieldset className="fieldset">
      <legend>{legend}</legend>
      {list.rows.length === 0 && empty && <p className="hint">{empty}</p>}
      <RowList {...list} />
      {hint && <p className="hint">{hint}</p>}
      <FieldErrors id={errorsId} errors={errors} />
    </fieldset>
  );
}
