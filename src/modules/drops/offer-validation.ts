import { AppError } from '../../lib/errors.js';
import type { OfferInput } from './offer-model.js';
import type { OffersRepository } from './offers.repository.js';
import { urgencyStageProblems } from './urgency-stages.js';

type Problem = { field: string; message: string };
type Sku = Awaited<ReturnType<OffersRepository['findSkus']>>[number];

/**
 * Checks what a schema cannot: the SKUs (components and substitutes) exist in this
 * organisation and brand, the fallback offer too, the kind's rules hold, the window is
 * ordered, the urgency stages are distinct, and no other offer uses the codes. Every problem
 * is reported at once, each naming its field. Another organisation's SKU or offer is answered
 * like one that does not exist: an id must not tell whether it is in use elsewhere.
 */
export async function validateOfferInput(
  offers: OffersRepository,
  organizationId: string,
  input: OfferInput,
  offerId?: string,
): Promise<void> {
  const problems: Problem[] = [];
  const skuIds = input.components.map((component) => component.skuId);
  const substituteIds = input.substitutions.map((rule) => rule.substituteSkuId);
  const skus = await offers.findSkus(organizationId, [...new Set([...skuIds, ...substituteIds])]);
  for (const skuId of skuIds) {
    const sku = skus.find((candidate) => candidate.id === skuId);
    if (!sku)
      problems.push({ field: 'components', message: `no SKU ${skuId} in this organisation` });
    else if (sku.brandId !== input.brandId)
      problems.push({ field: 'components', message: `SKU ${sku.code} belongs to another brand` });
  }
  if (new Set(skuIds).size !== skuIds.length)
    problems.push({ field: 'components', message: 'a SKU appears twice' });
  if (
    input.kind === 'single_sku' &&
    (input.components.length !== 1 || input.components[0]?.quantity !== 1)
  ) {
    problems.push({
      field: 'components',
      message: 'a single-SKU offer has exactly one component of quantity 1',
    });
  }
  if (input.kind !== 'tiered_bundle' && input.priceTiers.length > 0) {
    problems.push({ field: 'priceTiers', message: 'only a tiered bundle has price tiers' });
  }
  if (input.kind === 'time_limited_bundle' && !input.endsAt && !input.endsWithStream) {
    problems.push({
      field: 'endsAt',
      message: 'a time-limited bundle needs endsAt or endsWithStream',
    });
  }
  if (input.startsAt && input.endsAt && input.startsAt >= input.endsAt) {
    problems.push({ field: 'endsAt', message: 'must be after startsAt' });
  }
  problems.push(...substitutionProblems(input, skus));
  problems.push(...(await fallbackProblems(offers, organizationId, input, offerId)));
  for (const message of urgencyStageProblems(input.urgencyStages ?? [])) {
    problems.push({ field: 'urgencyStages', message });
  }
  const taken = await offers.findTakenCodes(organizationId, input.codes, offerId);
  if (taken.length > 0)
    problems.push({
      field: 'codes',
      message: `already used by another offer: ${taken.join(', ')}`,
    });
  if (problems.length > 0) {
    throw new AppError(
      'invalid',
      problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '),
      {
        issues: problems.map((problem) => ({ ...problem, field: `body.${problem.field}` })),
      },
    );
  }
}

/**
 * A substitution replaces one of the offer's components with another SKU of the same brand
 * (applied by operations when a component runs out; stock-watch names it).
 */
function substitutionProblems(input: OfferInput, skus: readonly Sku[]): Problem[] {
  const problems: Problem[] = [];
  const components = new Set(input.components.map((component) => component.skuId));
  const pairs = new Set<string>();
  for (const { skuId, substituteSkuId } of input.substitutions) {
    const pair = `${skuId}>${substituteSkuId}`;
    const substitute = skus.find((candidate) => candidate.id === substituteSkuId);
    let message: string | undefined;
    if (!components.has(skuId)) message = `${skuId} is not one of the offer's components`;
    else if (skuId === substituteSkuId) message = `${skuId} cannot substitute for itself`;
    else if (!substitute) message = `no SKU ${substituteSkuId} in this organisation`;
    else if (substitute.brandId !== input.brandId)
      message = `substitute SKU ${substitute.code} belongs to another brand`;
    else if (pairs.has(pair)) message = `${substitute.code} is listed twice for ${skuId}`;
    pairs.add(pair);
    if (message) problems.push({ field: 'substitutions', message });
  }
  return problems;
}

/**
 * The fallback bundle is shown to this offer's shoppers when it sells out: it must be another
 * offer of the same organisation and brand (a brand's stream must not sell another brand's
 * goods), and must not point back at this one (two offers each the other's fallback).
 */
async function fallbackProblems(
  offers: OffersRepository,
  organizationId: string,
  input: OfferInput,
  offerId: string | undefined,
): Promise<Problem[]> {
  const fallbackId = input.fallbackOfferId;
  if (fallbackId === null) return [];
  const field = 'fallbackOfferId';
  if (fallbackId === offerId) return [{ field, message: 'an offer cannot be its own fallback' }];
  const fallback = await offers.findOffer(organizationId, fallbackId);
  if (!fallback) return [{ field, message: `no offer ${fallbackId} in this organisation` }];
  if (fallback.brandId !== input.brandId) {
    return [{ field, message: `offer ${fallbackId} belongs to another brand` }];
  }
  if (offerId !== undefined && fallback.fallbackOfferId === offerId) {
    return [{ field, message: `offer ${fallbackId} already falls back to this offer` }];
  }
  return [];
}
