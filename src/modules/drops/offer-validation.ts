import { AppError } from '../../lib/errors.js';
import type { DropsRepository } from './drops.repository.js';
import type { OfferInput } from './offer-model.js';

/**
 * Checks what a schema cannot: the SKUs exist in this organisation and brand, the kind's
 * rules hold, the window is ordered, and no other offer uses the codes. Every problem is
 * reported at once, each naming its field.
 */
export async function validateOfferInput(
  repository: DropsRepository,
  organizationId: string,
  input: OfferInput,
  offerId?: string,
): Promise<void> {
  const problems: Array<{ field: string; message: string }> = [];
  const skuIds = input.components.map((component) => component.skuId);
  const skus = await repository.findSkus(organizationId, skuIds);
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
  const taken = await repository.findTakenCodes(organizationId, input.codes, offerId);
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
