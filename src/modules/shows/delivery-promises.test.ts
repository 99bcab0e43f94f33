import { describe, expect, it } from 'vitest';
import {
  checkDeliveryPromises,
  findDeliveryPromises,
  namesCountry,
  type RegionCapabilities,
} from './delivery-promises.js';

const regions: RegionCapabilities[] = [
  {
    name: 'EU next-day',
    countries: ['FR', 'BE'],
    capabilities: ['next_day', 'standard'],
    priority: 10,
  },
  { name: 'EU standard', countries: ['ES', 'IT'], capabilities: ['standard'], priority: 20 },
  { name: 'UK', countries: ['GB'], capabilities: ['next_day', 'standard'], priority: 30 },
];

describe('finding delivery promises in copy', () => {
  it.each([
    ['Next-day delivery on every order', 'next_day'],
    ['Free next day shipping', 'next_day'],
    ['Order now and it arrives tomorrow', 'next_day'],
    ['Get it tomorrow!', 'next_day'],
    ['Overnight delivery included', 'next_day'],
    ['24-hour delivery', 'next_day'],
    ['Same-day delivery in Paris', 'same_day'],
    ['Order by noon, delivered today', 'same_day'],
  ])('reads "%s" as a %s promise', (copy, kind) => {
    expect(findDeliveryPromises(copy).map((promise) => promise.kind)).toEqual([kind]);
  });

  it.each([
    'Limited stock, live-only price',
    'Standard delivery in 3-5 days',
    'Tomorrow we go live again',
    'Delivery times vary by region',
  ])('finds no promise in "%s"', (copy) => {
    expect(findDeliveryPromises(copy)).toEqual([]);
  });
});

describe('naming a country', () => {
  it('matches codes as written in capitals and English names in any case', () => {
    expect(namesCountry('not available in ES', 'ES')).toBe(true);
    expect(namesCountry('not available in spain', 'ES')).toBe(true);
    expect(namesCountry('excludes the UK', 'GB')).toBe(true);
    expect(namesCountry('it ships fast', 'IT')).toBe(false);
    expect(namesCountry('Franceville', 'FR')).toBe(false);
  });
});

describe('checking promises against fulfilment regions', () => {
  it('passes copy that promises nothing', () => {
    const check = checkDeliveryPromises({ copy: 'Live-only price', markets: [], regions });
    expect(check).toMatchObject({ passed: true, promises: [] });
  });

  it('fails next-day everywhere when some markets only have standard delivery (seed 004)', () => {
    const check = checkDeliveryPromises({
      copy: 'Gift bundle for 39 euros. Next-day delivery on all orders!',
      markets: [],
      regions,
    });
    expect(check.passed).toBe(false);
    expect(check.unkept.map((gap) => gap.country)).toEqual(['ES', 'IT']);
    expect(check.detail).toContain('ES (EU standard)');
  });

  it('passes when every market of the show is served next-day', () => {
    const check = checkDeliveryPromises({
      copy: 'Next-day delivery on all orders',
      markets: ['fr', 'GB'],
      regions,
    });
    expect(check).toMatchObject({ passed: true, unkept: [], excluded: [] });
  });

  it('fails a market no region serves', () => {
    const check = checkDeliveryPromises({
      copy: 'Next-day delivery',
      markets: ['FR', 'US'],
      regions,
    });
    expect(check.unkept).toEqual([
      { kind: 'next_day', label: 'next-day delivery', country: 'US', regionName: null },
    ]);
  });

  it.each([
    'Next-day delivery on all orders (not available in Spain or Italy).',
    'Next-day delivery on all orders. Excludes ES and IT.',
    'Next-day delivery, except for ES, IT.',
    'Next-day delivery in France, Belgium and the UK only.',
    'Free next-day delivery. Next-day delivery is unavailable in Spain and Italy; standard delivery applies there.',
  ])('passes when the copy carries the exclusions: "%s"', (copy) => {
    const check = checkDeliveryPromises({ copy, markets: [], regions });
    expect(check.passed).toBe(true);
    expect(check.excluded.map((gap) => gap.country).sort()).toEqual(['ES', 'IT']);
  });

  it('still fails when the exclusion leaves a market out', () => {
    const check = checkDeliveryPromises({
      copy: 'Next-day delivery. Not available in Spain.',
      markets: [],
      regions,
    });
    expect(check.passed).toBe(false);
    expect(check.unkept.map((gap) => gap.country)).toEqual(['IT']);
  });

  it('does not take an exclusion about something else for a delivery exclusion', () => {
    const check = checkDeliveryPromises({
      copy: 'Next-day delivery on all orders. The bonus gift excludes Spain and Italy.',
      markets: [],
      regions,
    });
    expect(check.passed).toBe(false);
  });

  it('does not read a live-only price as limiting the promise', () => {
    const check = checkDeliveryPromises({
      copy: 'Next-day delivery at the live-only price in France',
      markets: [],
      regions,
    });
    expect(check.passed).toBe(false);
  });

  it('fails a promise with nothing to check it against', () => {
    const check = checkDeliveryPromises({ copy: 'Next-day delivery', markets: [], regions: [] });
    expect(check.passed).toBe(false);
    expect(check.detail).toContain('no market or fulfilment region');
  });

  it('fails same-day promises where no region can deliver the same day', () => {
    const check = checkDeliveryPromises({
      copy: 'Same-day delivery',
      markets: ['FR'],
      regions,
    });
    expect(check.unkept.map((gap) => gap.country)).toEqual(['FR']);
  });
});
