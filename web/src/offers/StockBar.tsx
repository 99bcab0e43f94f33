import type { StockCounts } from '../api/types';
import { formatNumber } from '../common/format';

/**
 * The reserve split into sold, held and available, as one horizontal bar in plain SVG. Widths
 * are shares of `reserved`, so the three parts always fill the bar exactly (the book's invariant).
 */
export function StockBar({ counts, wide = false }: { counts: StockCounts; wide?: boolean }) {
  const { reserved, sold, held, available } = counts;
  const share = (value: number) => (reserved > 0 ? (value / reserved) * 100 : 0);
  const parts = [
    { key: 'sold', value: sold, x: 0 },
    { key: 'held', value: held, x: share(sold) },
    { key: 'available', value: available, x: share(sold) + share(held) },
  ];
  const summary = `${formatNumber(reserved)} reserved: ${formatNumber(sold)} sold, ${formatNumber(held)} held, ${formatNumber(available)} available`;
  return (
    <svg
      className={wide ? 'stock-bar stock-bar-wide' : 'stock-bar'}
      viewBox="0 0 100 10"
      preserveAspectRatio="none"
      role="img"
      aria-label={summary}
    >
      <title>{summary}</title>
      <rect className="stock-bar-track" x="0" y="0" width="100" height="10" />
      {parts.map((part) =>
        part.value > 0 ? (
          <rect
            key={part.key}
            className={`stock-bar-${part.key}`}
            x={part.x}
            y="0"
            width={share(part.value)}
            height="10"
          />
        ) : null,
      )}
    </svg>
  );
}

/** The colour key for the bar, shown once above a table or chart. */
export function StockLegend() {
  return (
    <p className="stock-legend hint">
      <span className="stock-key stock-key-sold" aria-hidden="true" /> Sold
      <span className="stock-key stock-key-held" aria-hidden="true" /> Held (in checkout)
      <span className="stock-key stock-key-available" aria-hidden="true" /> Available
    </p>
  );
}
