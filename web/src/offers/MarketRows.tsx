import type { Member, User } from '../api/types';
import { roleLabel } from '../common/format';
import { describedBy, FieldErrors } from './FormField';
import {
  type ArmErrors,
  defaultMarketLowStock,
  emptyMarketRow,
  type MarketRow,
  marketField,
  marketTotal,
  maxMarkets,
  parseUnits,
} from './marketSplit';
import { RowList } from './RowListField';

interface Props {
  rows: MarketRow[];
  errors: ArmErrors;
  members: Member[];
  me: User;
  /** The offer's own threshold, which a market left blank gets its share of. */
  offerLowStockThreshold: number;
  onChange: (rows: MarketRow[]) => void;
}

/**
 * The markets of a split reserve, one row each: code, units, owner, own TTL, own low-stock
 * level. Labels read "Market 2 units" to assistive technology, so every input is named even
 * though the visible labels are short column words.
 */
export function MarketRows({ rows, errors, members, me, offerLowStockThreshold, onChange }: Props) {
  const others = members.filter((member) => member.userId !== me.id);
  const total = marketTotal(rows);
  // What the API gives a market left blank, shown as the placeholder while its units are known.
  const lowStockDefault = (row: MarketRow) => {
    const units = parseUnits(row.units);
    return units === undefined
      ? 'Default'
      : `${defaultMarketLowStock(offerLowStockThreshold, units, total)} (default)`;
  };
  return (
    <RowList
      rows={rows}
      max={maxMarkets}
      min={1}
      addLabel="Add a market"
      removeLabel={(n, row) => `Remove market ${n}${row.market ? ` (${row.market})` : ''}`}
      newRow={emptyMarketRow}
      onChange={onChange}
      listClassName="row-list market-rows"
      itemClassName="market-row"
    >
      {(row, set, index) => {
        const number = index + 1;
        const id = (field: string) => `arm-market-${row.key}-${field}`;
        const error = (field: Parameters<typeof marketField>[1]) => {
          const message = errors[marketField(index, field)];
          return message ? [message] : undefined;
        };
        const codeError = error('market');
        const unitsError = error('units');
        const ownerError = error('ownerId');
        const ttlError = error('reserveTtlSeconds');
        const lowError = error('lowStockThreshold');
        return (
          <>
            <div className="field market-code">
              <label htmlFor={id('market')}>
                Market<span className="visually-hidden"> {number} code</span>
              </label>
              <input
                id={id('market')}
                value={row.market}
                maxLength={2}
                placeholder="US"
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                aria-invalid={codeError ? true : undefined}
                aria-describedby={describedBy(id('market'), false, codeError)}
                onChange={(event) => set({ market: event.target.value.toUpperCase() })}
              />
              <FieldErrors id={`${id('market')}-error`} errors={codeError} />
            </div>
            <div className="field field-narrow">
              <label htmlFor={id('units')}>
                <span className="visually-hidden">Market {number} </span>Units
              </label>
              <input
                id={id('units')}
                type="number"
                min={1}
                step={1}
                value={row.units}
                aria-invalid={unitsError ? true : undefined}
                aria-describedby={describedBy(id('units'), false, unitsError)}
                onChange={(event) => set({ units: event.target.value })}
              />
              <FieldErrors id={`${id('units')}-error`} errors={unitsError} />
            </div>
            <div className="field market-owner">
              <label htmlFor={id('ownerId')}>
                <span className="visually-hidden">Market {number} </span>Owner
              </label>
              <select
                id={id('ownerId')}
                value={row.ownerId}
                aria-invalid={ownerError ? true : undefined}
                aria-describedby={describedBy(id('ownerId'), false, ownerError)}
                onChange={(event) => set({ ownerId: event.target.value })}
              >
                <option value="">Me ({me.name})</option>
                {others.map((member) => (
                  <option key={member.userId} value={member.userId}>
                    {`${member.name} · ${roleLabel(member.role)}`}
                  </option>
                ))}
              </select>
              <FieldErrors id={`${id('ownerId')}-error`} errors={ownerError} />
            </div>
            <div className="field market-ttl">
              <label htmlFor={id('reserveTtlSeconds')}>
                <span className="visually-hidden">Market {number} </span>TTL (minutes)
              </label>
              <input
                id={id('reserveTtlSeconds')}
                type="number"
                min={1}
                step="any"
                placeholder="None"
                value={row.ttlMinutes}
                aria-invalid={ttlError ? true : undefined}
                aria-describedby={describedBy(id('reserveTtlSeconds'), false, ttlError)}
                onChange={(event) => set({ ttlMinutes: event.target.value })}
              />
              <FieldErrors id={`${id('reserveTtlSeconds')}-error`} errors={ttlError} />
            </div>
            <div className="field market-low">
              <label htmlFor={id('lowStockThreshold')}>
                <span className="visually-hidden">Market {number} </span>Low-stock at
              </label>
              <input
                id={id('lowStockThreshold')}
                type="number"
                min={0}
                step={1}
                placeholder={lowStockDefault(row)}
                value={row.lowStockAt}
                aria-invalid={lowError ? true : undefined}
                aria-describedby={describedBy(id('lowStockThreshold'), false, lowError)}
                onChange={(event) => set({ lowStockAt: event.target.value })}
              />
              <FieldErrors id={`${id('lowStockThreshold')}-error`} errors={lowError} />
            </div>
          </>
        );
      }}
    </RowList>
  );
}
