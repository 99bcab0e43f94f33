import { describe, expect, it } from 'vitest';
import { chartLabel } from './benchmarkFormat';

describe("a chart's scenario label", () => {
  it('keeps a name that fits', () => {
    expect(chartLabel('Mydrop with Redis (+ PostgreSQL), over HTTP')).toBe(
      'Mydrop with Redis (+ PostgreSQL), over HTTP',
    );
  });

  it('shortens the Medusa baselines so their label column does not cut them', () => {
    expect(chartLabel('Baseline: @medusajs/inventory (Medusa 2.21.2)')).toBe(
      'Baseline: Medusa 2.21.2 inventory',
    );
    expect(chartLabel('Baseline: @medusajs/inventory (Medusa 2.21.2) without its lock')).toBe(
      'Medusa 2.21.2 inventory without its lock',
    );
  });

  it('cuts anything longer with an ellipsis', () => {
    const label = chartLabel(`Mydrop ${'very '.repeat(12)}long`);
    expect(label).toHaveLength(44);
    expect(label.endsWith('…')).toBe(true);
  });
});
