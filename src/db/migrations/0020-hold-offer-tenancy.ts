/**
 * A hold's organisation is its offer's. Two separate foreign keys (to organizations, to
 * offers) let a hold name one organisation's offer under another, and cost two checks for
 * every hold a drop writes (31% of a 200-hold batch's time in PGlite). One composite key says
 * the first and costs one check; deleting an organisation still takes its offers' holds.
 */
export const holdOfferTenancy: readonly string[] = [
  'alter table offers add constraint offers_id_organization_key unique (id, organization_id)',
  'alter table holds drop constraint holds_organization_id_fkey',
  'alter table holds drop constraint holds_offer_id_fkey',
  `alter table holds add constraint holds_offer_fkey foreign key (offer_id, organization_id)
    references offers (id, organization_id) on delete cascade`,
];
