import type { FieldIssue } from '../api/client';
import type { Brand, Offer, OfferInput, OfferKind } from '../api/types';
import { minorToMajorText, parseMajorAmount } from './money';

/** The New/Edit offer form as typed: strings until submitted, then checked and converted. */
export interface OfferDraft {
  brandId: string;
  title: string;
  kind: OfferKind;
  components: Array<{ key: number; skuId: string; quantity: string }>;
  currency: string;
  price: string;
  tiers: Array<{ key: number; minQuantity: string; unitPrice: string }>;
  perBuyerLimit: string;
  holdTtlMinutes: string;
  lowStockThreshold: string;
  urgencyFirstOrders: string;
  urgencyBonus: string;
  urgencyStages: Array<{ key: number; atOrBelow: string; message: string }>;
  /** `datetime-local` values, in the browser's zone. */
  startsAt: string;
  endsAt: string;
  endsWithStream: boolean;
  codes: string;
}

/** Problems by the API's top-level field name (`priceMinor`, `components`, …). */
export type DraftErrors = Partial<Record<string, string[]>>;

let nextKey = 1;
/** Rows of repeated fields need stable keys so React keeps focus while rows come and go. */
export const rowKey = () => nextKey++;

export function emptyDraft(brand: Brand | null): OfferDraft {
  return {
    brandId: brand?.id ?? '',
    title: '',
    kind: 'single_sku',
    components: [{ key: rowKey(), skuId: '', quantity: '1' }],
    currency: brand?.currency ?? 'EUR',
    price: '',
    tiers: [],
    perBuyerLimit: '',
    holdTtlMinutes: '10',
    lowStockThreshold: '20',
    urgencyFirstOrders: '',
    urgencyBonus: '',
    urgencyStages: [],
    startsAt: '',
    endsAt: '',
    endsWithStream: false,
    codes: '',
  };
}

/** "2026-05-01T18:30:00.000Z" → "2026-05-01T20:30" in Paris: what a datetime-local shows. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function draftFromOffer(offer: Offer): OfferDraft {
  return {
    brandId: offer.brandId,
    title: offer.title,
    kind: offer.kind,
    components: offer.components.map((component) => ({
      key: rowKey(),
      skuId: component.skuId,
      quantity: String(component.quantity),
    })),
    currency: offer.currency,
    price: minorToMajorText(offer.priceMinor, offer.currency),
    tiers: offer.priceTiers.map((tier) => ({
      key: rowKey(),
      minQuantity: String(tier.minQuantity),
      unitPrice: minorToMajorText(tier.unitPriceMinor, offer.currency),
    })),
    perBuyerLimit: offer.perBuyerLimit === null ? '' : String(offer.perBuyerLimit),
    holdTtlMinutes: String(offer.holdTtlSeconds / 60),
    lowStockThreshold: String(offer.lowStockThreshold),
    urgencyFirstOrders: offer.urgencyRule ? String(offer.urgencyRule.firstOrders) : '',
    urgencyBonus: offer.urgencyRule?.bonus ?? '',
    urgencyStages: (offer.urgencyStages ?? []).map((stage) => ({
      key: rowKey(),
      atOrBelow: String(stage.atOrBelow),
      message: stage.message,
    })),
    startsAt: toLocalInput(offer.startsAt),
    endsAt: toLocalInput(offer.endsAt),
    endsWithStream: offer.endsWithStream,
    codes: offer.codes.join(', '),
  };
}

function wholeNumber(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/**
 * Checks what the browser can check (numbers, amounts, dates) and builds the API body. The
 * server still decides the rest (SKUs of the brand, codes in use) and answers per field.
 */
export function draftToInput(
  draft: OfferDraft,
): { ok: true; input: OfferInput } | { ok: false; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const fail = (field: string, message: string) => {
    errors[field] = [...(errors[field] ?? []), message];
  };
  const currency = draft.currency.trim().toUpperCase();

  if (!draft.brandId) fail('brandId', 'Choose the brand that sells the offer');
  if (!draft.title.trim()) fail('title', 'Give the offer a title shoppers will see');

  const price = parseMajorAmount(draft.price, currency);
  if (draft.price.trim() === '') fail('priceMinor', 'Give the price, e.g. 29.90');
  else if (!price.ok) fail('priceMinor', `Price ${price.message}`);

  const bundle = draft.kind !== 'single_sku';
  const rows = bundle ? draft.components : draft.components.slice(0, 1);
  const components = rows.map((row, index) => {
    const quantity = bundle ? wholeNumber(row.quantity) : 1;
    if (!row.skuId) fail('components', `Choose the SKU of line ${index + 1}`);
    if (quantity === null || quantity < 1)
      fail('components', `Quantity of line ${index + 1} must be a whole number from 1`);
    return { skuId: row.skuId, quantity: quantity ?? 1 };
  });

  const priceTiers =
    draft.kind === 'tiered_bundle'
      ? draft.tiers.map((tier, index) => {
          const minQuantity = wholeNumber(tier.minQuantity);
          const unit = parseMajorAmount(tier.unitPrice, currency);
          if (minQuantity === null || minQuantity < 2)
            fail('priceTiers', `Tier ${index + 1}: "from quantity" must be 2 or more`);
          if (!unit.ok) fail('priceTiers', `Tier ${index + 1}: unit price ${unit.message}`);
          return { minQuantity: minQuantity ?? 0, unitPriceMinor: unit.ok ? unit.minor : 0 };
        })
      : [];

  let perBuyerLimit: number | null = null;
  if (draft.perBuyerLimit.trim() !== '') {
    perBuyerLimit = wholeNumber(draft.perBuyerLimit);
    if (perBuyerLimit === null || perBuyerLimit < 1)
      fail('perBuyerLimit', 'Per-buyer limit must be a whole number from 1, or empty');
  }

  const holdMinutes = Number(draft.holdTtlMinutes.trim());
  if (!draft.holdTtlMinutes.trim() || !(holdMinutes >= 0.5 && holdMinutes <= 1440))
    fail('holdTtlSeconds', 'Hold time must be between 0.5 and 1440 minutes');

  const lowStockThreshold = wholeNumber(draft.lowStockThreshold);
  if (lowStockThreshold === null) fail('lowStockThreshold', 'Must be a whole number (0 or more)');

  let urgencyRule: OfferInput['urgencyRule'] = null;
  const firstOrdersText = draft.urgencyFirstOrders.trim();
  const bonus = draft.urgencyBonus.trim();
  if (firstOrdersText !== '' || bonus !== '') {
    const firstOrders = wholeNumber(firstOrdersText);
    if (firstOrders === null || firstOrders < 1)
      fail('urgencyRule', 'Give how many first orders get the bonus (1 or more)');
    if (bonus === '') fail('urgencyRule', 'Say what the first orders get');
    urgencyRule = { firstOrders: firstOrders ?? 1, bonus };
  }

  const seenThresholds = new Set<number>();
  const urgencyStages = draft.urgencyStages.map((stage, index) => {
    const atOrBelow = wholeNumber(stage.atOrBelow);
    const message = stage.message.trim();
    if (atOrBelow === null || atOrBelow < 1)
      fail('urgencyStages', `Stock message ${index + 1}: "at or below" must be 1 or more`);
    else if (seenThresholds.has(atOrBelow))
      fail('urgencyStages', `Stock message ${index + 1}: another one starts at ${atOrBelow}`);
    if (message === '') fail('urgencyStages', `Stock message ${index + 1}: write the message`);
    if (atOrBelow !== null) seenThresholds.add(atOrBelow);
    return { atOrBelow: atOrBelow ?? 1, message };
  });

  const instant = (value: string, field: string, label: string) => {
    if (!value) return null;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      fail(field, `${label} is not a valid date and time`);
      return null;
    }
    return date.toISOString();
  };
  const startsAt = instant(draft.startsAt, 'startsAt', 'Start');
  const endsAt = instant(draft.endsAt, 'endsAt', 'End');
  if (startsAt && endsAt && startsAt >= endsAt) fail('endsAt', 'The end must be after the start');

  const codes = draft.codes
    .split(',')
    .map((code) => code.trim())
    .filter(Boolean);
  if (codes.length === 0) fail('codes', 'Give at least one offer code, e.g. GLOW19');

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      brandId: draft.brandId,
      title: draft.title.trim(),
      kind: draft.kind,
      components,
      priceMinor: price.ok ? price.minor : 0,
      currency,
      priceTiers,
      perBuyerLimit,
      holdTtlSeconds: Math.round(holdMinutes * 60),
      lowStockThreshold: lowStockThreshold ?? 0,
      urgencyRule,
      urgencyStages,
      startsAt,
      endsAt,
      endsWithStream: draft.endsWithStream,
      codes,
    },
  };
}

/** What one entry of a list field is called in a message: "code 2", "SKU 1", "tier 3". */
const entryNames: Record<string, string> = {
  components: 'SKU',
  codes: 'code',
  priceTiers: 'tier',
  urgencyStages: 'stock message',
};

/** Fields the form shows problems next to; others only appear in the form's summary. */
export const shownFields = new Set([
  'brandId',
  'title',
  'kind',
  'components',
  'currency',
  'priceMinor',
  'priceTiers',
  'perBuyerLimit',
  'holdTtlSeconds',
  'lowStockThreshold',
  'urgencyRule',
  'urgencyStages',
  'startsAt',
  'endsAt',
  'endsWithStream',
  'codes',
]);

/** `body.codes.1: must be 2-40 letters…` → errors.codes = ["code 2: must be 2-40 letters…"]. */
export function errorsFromIssues(issues: FieldIssue[]): DraftErrors {
  const errors: DraftErrors = {};
  for (const issue of issues) {
    const [scope, field = '', ...rest] = issue.field.split('.');
    const key = (scope === 'body' ? field : issue.field) || 'form';
    const where = rest
      .map((part) =>
        /^\d+$/.test(part) ? `${entryNames[key] ?? 'item'} ${Number(part) + 1}` : part,
      )
      .join(', ');
    errors[key] = [...(errors[key] ?? []), where ? `${where}: ${issue.message}` : issue.message];
  }
  return errors;
}
