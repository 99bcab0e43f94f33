import type { ReactNode } from 'react';
import { FieldErrors } from './FormField';

/**
 * A fieldset of rows the user adds and removes (price tiers, stock messages): each row's
 * fields, a Remove button per row, an Add button while below `max`, and the field's errors.
 */
export function RowListField<Row extends { key: number }>({
  legend,
  rows,
  max,
  empty,
  addLabel,
  removeLabel,
  newRow,
  errorsId,
  errors,
  hint,
  onChange,
  children,
}: {
  legend: string;
  rows: Row[];
  max: number;
  /** Shown while there are no rows: what that means. */
  empty: ReactNode;
  addLabel: string;
  /** The Remove button's accessible name for row `n` (from 1). */
  removeLabel: (n: number) => string;
  newRow: () => Row;
  errorsId: string;
  errors: string[] | undefined;
  hint?: ReactNode;
  onChange: (rows: Row[]) => void;
  /** A row's fields; `set` changes that row. */
  children: (row: Row, set: (patch: Partial<Row>) => void) => ReactNode;
}) {
  const setRow = (index: number, patch: Partial<Row>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="fieldset">
      <legend>{legend}</legend>
      {rows.length === 0 && <p className="hint">{empty}</p>}
      <ol className="row-list">
        {rows.map((row, index) => (
          <li key={row.key} className="field-row row-item">
            {children(row, (patch) => setRow(index, patch))}
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => onChange(rows.filter((_, at) => at !== index))}
              aria-label={removeLabel(index + 1)}
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
      {hint && <p className="hint">{hint}</p>}
      <FieldErrors id={errorsId} errors={errors} />
    </fieldset>
  );
}
