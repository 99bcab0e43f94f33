import type { Role } from '../access/index.js';
import type { SkuInput } from '../catalog/index.js';
import type { RegionInput } from '../fulfilment/index.js';

/** What the demo workspace holds: two organisations, brands, products and one person per role. */
export interface DemoProduct {
  title: string;
  description: string;
  skus: SkuInput[];
}

export interface DemoBrand {
  name: string;
  currency: string;
  timezone: string;
  products: DemoProduct[];
}

export interface DemoOrganization {
  name: string;
  slug: string;
  timezone: string;
  brands: DemoBrand[];
}

export const demoEmailDomain = 'demo.mydrop.test';

export const demoPeople: Array<{ role: Role; name: string }> = [
  { role: 'owner', name: 'Olivia Park' },
  { role: 'social_ops', name: 'Sam Rivera' },
  { role: 'producer', name: 'Priya Shah' },
  { role: 'host', name: 'Hana Kim' },
  { role: 'comms', name: 'Carlos Mendes' },
  { role: 'inventory_lead', name: 'Ines Laurent' },
  { role: 'legal', name: 'Leo Fischer' },
  { role: 'brand_approver', name: 'Bea Novak' },
  { role: 'finance', name: 'Farid Haddad' },
  { role: 'agency', name: 'Ava Collins' },
];

export function demoEmail(role: Role): string {
  return `${role.replace('_', '-')}@${demoEmailDomain}`;
}

const sku = (
  code: string,
  priceMinor: number,
  currency: string,
  stockOnHand: number,
  attributes: Record<string, string> = {},
): SkuInput => ({ code, priceMinor, currency, stockOnHand, attributes });

export const demoRetail: DemoOrganization = {
  name: 'Demo Retail Group',
  slug: 'demo-retail',
  timezone: 'Europe/London',
  brands: [
    {
      name: 'Aurora Beauty',
      currency: 'EUR',
      timezone: 'Europe/Paris',
      products: [
        {
          title: 'Glow Serum 30 ml',
          description: 'Vitamin C serum; the hero SKU of the live drops.',
          skus: [sku('AUR-SERUM-30', 2900, 'EUR', 600, { size: '30 ml' })],
        },
        {
          title: 'Lip Trio Gift Set',
          description: 'Three satin lipsticks in a gift box.',
          skus: [
            sku('AUR-LIP-ROSE', 3400, 'EUR', 150, { colour: 'Rose' }),
            sku('AUR-LIP-CORAL', 3400, 'EUR', 120, { colour: 'Coral' }),
          ],
        },
        {
          title: 'Silk Sleep Mask',
          description: 'Mulberry silk, the usual bonus item.',
          skus: [sku('AUR-MASK-SILK', 1500, 'EUR', 300, { material: 'Silk' })],
        },
      ],
    },
    {
      name: 'Summit Outdoor',
      currency: 'USD',
      timezone: 'America/New_York',
      products: [
        {
          title: 'Ridge Trail Jacket',
          description: 'Waterproof shell, three sizes.',
          skus: [
            sku('SUM-JKT-S', 14900, 'USD', 40, { size: 'S', colour: 'Slate' }),
            sku('SUM-JKT-M', 14900, 'USD', 60, { size: 'M', colour: 'Slate' }),
            sku('SUM-JKT-L', 14900, 'USD', 50, { size: 'L', colour: 'Slate' }),
          ],
        },
        {
          title: 'Insulated Bottle 750 ml',
          description: 'Keeps cold for 24 hours.',
          skus: [sku('SUM-BTL-750', 3200, 'USD', 400, { colour: 'Moss', material: 'Steel' })],
        },
      ],
    },
  ],
};

export const demoAgency: DemoOrganization = {
  name: 'Relay Agency',
  slug: 'relay-agency',
  timezone: 'Europe/London',
  brands: [
    {
      name: 'Relay Studio',
      currency: 'GBP',
      timezone: 'Europe/London',
      products: [
        {
          title: 'Creator Ring Light',
          description: 'The agency’s own merch drop.',
          skus: [sku('RLY-LIGHT-10', 4500, 'GBP', 80, { size: '10 inch' })],
        },
      ],
    },
  ],
};

/**
 * Where the demo ships from. The EU node promises next-day only in some countries: the
 * playbook's failure scenario (seed 004) is a copy promising next-day everywhere.
 */
export const demoRegions: RegionInput[] = [
  {
    name: 'EU next-day (Paris)',
    countries: ['FR', 'BE', 'NL', 'DE', 'LU'],
    capabilities: ['next_day', 'standard'],
    pricesIncludeTax: true,
    priority: 10,
    taxRates: [
      { country: 'FR', rateBasisPoints: 2000 },
      { country: 'BE', rateBasisPoints: 2100 },
      { country: 'NL', rateBasisPoints: 2100 },
      { country: 'DE', rateBasisPoints: 1900 },
      { country: 'LU', rateBasisPoints: 1700 },
    ],
  },
  {
    name: 'EU standard (Madrid)',
    countries: ['ES', 'PT', 'IT', 'AT', 'IE'],
    capabilities: ['standard'],
    pricesIncludeTax: true,
    priority: 20,
    taxRates: [
      { country: 'ES', rateBasisPoints: 2100 },
      { country: 'PT', rateBasisPoints: 2300 },
      { country: 'IT', rateBasisPoints: 2200 },
      { country: 'AT', rateBasisPoints: 2000 },
      { country: 'IE', rateBasisPoints: 2300 },
    ],
  },
  {
    name: 'UK',
    countries: ['GB'],
    capabilities: ['next_day', 'standard'],
    pricesIncludeTax: true,
    priority: 30,
    taxRates: [{ country: 'GB', rateBasisPoints: 2000 }],
  },
  {
    name: 'North America',
    countries: ['US', 'CA'],
    capabilities: ['standard'],
    pricesIncludeTax: false,
    priority: 40,
    taxRates: [],
  },
];
