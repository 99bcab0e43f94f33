/**
 * Staged urgency messages per offer (issue 3: "staged urgency messages driven by stock
 * thresholds ('only 20 left')"): a list of `{ atOrBelow, message }`, the shopper seeing the
 * tightest stage their stock left reaches. An empty list keeps the single "Only N left" at the
 * low-stock threshold, so offers made before this read as they did.
 */
export const urgencyStages: readonly string[] = [
  `alter table offers
    add column urgency_stages jsonb not null default '[]'
      check (jsonb_typeof(urgency_stages) = 'array')`,
];
