import { type FormEvent, useState } from 'react';
import { useMe } from '../auth/session';
import { ErrorMessage } from '../common/feedback';
import { formatNumber } from '../common/format';
import { describedBy, FieldErrors } from './FormField';
import { MarketRows } from './MarketRows';
import {
  type ArmErrors,
  armErrorsFromApi,
  armFieldLabel,
  checkMarketSplit,
  emptyMarketRow,
  type MarketRow,
  marketField,
  marketTotal,
  parseTtlMinutes,
  parseUnits,
} from './marketSplit';
import { useMemberDirectory } from './memberDirectory';
import type { ArmRequest } from './offersApi';

interface Props {
  /** The offer's low-stock threshold: a market left blank gets its share of it. */
  lowStockThreshold: number;
  pending: boolean;
  disabled: boolean;
  /** The last refusal of arming, if any: a 400's field lands on its input. */
  apiError: unknown;
  onArm: (request: ArmRequest) => void;
}

const errorList = (message: string | undefined) => (message ? [message] : undefined);

/**
 * Arming takes units out of the catalog's stock for this offer alone: the inventory lock. One
 * pool, or split by market (seed 004), each market with the member who owns its share and its
 * own TTL; the total of the markets is what gets reserved.
 */
export function ArmForm({ lowStockThreshold, pending, disabled, apiError, onArm }: Props) {
  const me = useMe();
  const directory = useMemberDirectory();
  const [split, setSplit] = useState(false);
  const [units, setUnits] = useState('');
  const [ttlMinutes, setTtlMinutes] = useState('');
  const [rows, setRows] = useState<MarketRow[]>(() => [emptyMarketRow()]);
  // After a first attempt to arm a split, its problems follow every edit.
  const [attempted, setAttempted] = useState(false);
  // A refusal edited since no longer describes what is typed: its field messages go.
  const [editedSince, setEditedSince] = useState<unknown>(null);

  const unitCount = parseUnits(units);
  const ttl = parseTtlMinutes(ttlMinutes);
  const check = split ? checkMarketSplit(rows, ttlMinutes) : null;
  const localErrors: ArmErrors = attempted && check && !check.ok ? check.errors : {};
  const serverErrors = apiError !== editedSince ? armErrorsFromApi(apiError) : {};
  const errors: ArmErrors = { ...serverErrors, ...localErrors };
  const edit = () => setEditedSince(apiError);

  const inputId = (name: string): string | undefined => {
    if (name === 'units') return split ? 'arm-total' : 'arm-units';
    if (name === 'reserveTtlSeconds') return 'arm-ttl';
    const match = /^markets\.(\d+)\.(\w+)$/.exec(name);
    const row = match ? rows[Number(match[1])] : undefined;
    return row && match ? `arm-market-${row.key}-${match[2]}` : undefined;
  };

  const changeRows = (next: MarketRow[]) => {
    setRows(next);
    edit();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!split) {
      if (unitCount !== undefined && ttl !== undefined) {
        onArm({ units: unitCount, reserveTtlSeconds: ttl });
      }
      return;
    }
    setAttempted(true);
    const checked = checkMarketSplit(rows, ttlMinutes);
    if (!checked.ok) {
      // Rows first, in the order they are read, then the reserve's own TTL.
      const order = [
        ...rows.flatMap((_, index) =>
          (['market', 'units', 'ownerId', 'reserveTtlSeconds', 'lowStockThreshold'] as const).map(
            (field) => marketField(index, field),
          ),
        ),
        'reserveTtlSeconds',
      ];
      const first = order.find((name) => checked.errors[name]);
      const id = first ? inputId(first) : undefined;
      if (id) document.getElementById(id)?.focus();
      return;
    }
    onArm(checked.request);
  };

  const total = marketTotal(rows);
  const ttlError = errorList(errors.reserveTtlSeconds);
  const unitsError = errorList(errors.units);
  const localProblems = Object.entries(localErrors);
  return (
    <form className="form form-inline arm-form" onSubmit={submit} noValidate>
      <div className="field-checkbox arm-mode">
        <label className="checkbox-label">
          <input
            type="checkbox"
            checked={split}
            aria-controls={split ? 'arm-markets' : 'arm-units'}
            onChange={(event) => {
              setSplit(event.target.checked);
              setAttempted(false);
              edit();
            }}
          />
          Split by market
        </label>
      </div>
      {split ? (
        <fieldset className="fieldset arm-markets" id="arm-markets">
          <legend>Reserve by market</legend>
          <MarketRows
            rows={rows}
            errors={errors}
            members={directory.members}
            me={me.user}
            offerLowStockThreshold={lowStockThreshold}
            onChange={changeRows}
          />
          {directory.error !== undefined && (
            <ErrorMessage error={directory.error} onRetry={directory.reload} />
          )}
          <div className="arm-total-row">
            <output
              id="arm-total"
              className="arm-total"
              htmlFor={rows.map((row) => `arm-market-${row.key}-units`).join(' ')}
              aria-describedby={describedBy('arm-total', false, unitsError)}
            >
              Total to reserve: <strong>{formatNumber(total)}</strong>{' '}
              {total === 1 ? 'unit' : 'units'} across {formatNumber(rows.length)}{' '}
              {rows.length === 1 ? 'market' : 'markets'}
            </output>
            <FieldErrors id="arm-total-error" errors={unitsError} />
          </div>
        </fieldset>
      ) : (
        <div className="field field-narrow">
          <label htmlFor="arm-units">Units to reserve</label>
          <input
            id="arm-units"
            type="number"
            min={1}
            step={1}
            value={units}
            aria-invalid={unitsError ? true : undefined}
            aria-describedby={describedBy('arm-units', false, unitsError)}
            onChange={(event) => {
              setUnits(event.target.value);
              edit();
            }}
          />
          <FieldErrors id="arm-units-error" errors={unitsError} />
        </div>
      )}
      <div className="field">
        <label htmlFor="arm-ttl">Release the reserve after (minutes)</label>
        <input
          id="arm-ttl"
          type="number"
          min={1}
          step="any"
          placeholder="Never"
          value={ttlMinutes}
          aria-invalid={ttlError ? true : undefined}
          aria-describedby={describedBy('arm-ttl', false, ttlError)}
          onChange={(event) => {
            setTtlMinutes(event.target.value);
            edit();
          }}
        />
        <FieldErrors id="arm-ttl-error" errors={ttlError} />
      </div>
      <button
        type="submit"
        className="button button-primary"
        disabled={disabled || (!split && (unitCount === undefined || ttl === undefined))}
      >
        {pending ? 'Arming…' : 'Arm'}
      </button>
      {localProblems.length > 0 && (
        <div className="alert alert-error arm-problems" role="alert">
          <span>
            Check the markets before arming:{' '}
            {localProblems
              .map(([name, message]) => `${armFieldLabel(name)}: ${message}`)
              .join('; ')}
            .
          </span>
        </div>
      )}
      <p className="hint arm-hint">
        {split
          ? 'Each market’s shoppers claim only from its units. A market’s own TTL returns its unused units to stock when it passes, live or not; the reserve’s TTL above gives everything back if the offer is not live by then. Its owner is told when its available units reach its low-stock level; left blank, that is the offer’s threshold scaled to the market’s share.'
          : 'Reserves this many offers’ worth of every SKU from stock on hand. Optional: give the reserve back if the offer has not gone live in time.'}
      </p>
    </form>
  );
}
