/**
 * The playbook's failure scenario (seed 004): copy promising "next-day delivery" everywhere
 * while a fulfilment node cannot do it in two markets. This file finds delivery promises in
 * copy, works out which of the show's markets cannot keep them, and accepts the copy only when
 * it names those markets in an exclusion ("not available in ES, IT", "excludes Spain") or
 * limits the promise to the markets that can ("next-day delivery in France and Belgium only").
 */

export interface DeliveryPromiseRule {
  kind: 'same_day' | 'next_day';
  /** The fulfilment capability a region needs to keep the promise. */
  capability: string;
  label: string;
  patterns: RegExp[];
}

/** Phrases that promise a delivery speed. Unit-tested in delivery-promises.test.ts. */
export const deliveryPromiseRules: readonly DeliveryPromiseRule[] = [
  {
    kind: 'same_day',
    capability: 'same_day',
    label: 'same-day delivery',
    patterns: [
      /\bsame[- ]day (?:delivery|shipping)\b/i,
      /\bdelivered (?:the )?same day\b/i,
      /\b(?:delivered|arrives?|get it|have it) (?:later )?today\b/i,
    ],
  },
  {
    kind: 'next_day',
    capability: 'next_day',
    label: 'next-day delivery',
    patterns: [
      /\bnext[- ]day (?:delivery|shipping)\b/i,
      /\b(?:delivered|delivery|arrives?|arriving|get it|have it|at your door) tomorrow\b/i,
      /\bovernight (?:delivery|shipping)\b/i,
      /\b24[- ]?(?:hours?|hrs?|h) (?:delivery|shipping)\b/i,
      /\bdelivery (?:with)?in 24 hours\b/i,
    ],
  },
];

export interface RegionCapabilities {
  name: string;
  countries: string[];
  capabilities: string[];
  priority: number;
}

export interface FoundPromise {
  kind: DeliveryPromiseRule['kind'];
  label: string;
  /** The words in the copy that make the promise. */
  phrase: string;
}

export interface PromiseGap {
  kind: DeliveryPromiseRule['kind'];
  label: string;
  country: string;
  /** The region that would fulfil orders there, or null when none serves the country. */
  regionName: string | null;
}

export interface PromiseCheck {
  promises: FoundPromise[];
  /** Markets that cannot keep a promise and that the copy does not exclude. */
  unkept: PromiseGap[];
  /** Markets that cannot keep a promise and that the copy excludes. */
  excluded: PromiseGap[];
  passed: boolean;
  detail: string;
}

const exclusionMarkers =
  /\b(?:not available|unavailable|not offered|does not apply|doesn't apply|not valid|excludes?|excluding|except(?: for)?|other than)\b/i;
/** "only" as a limit, not inside a compound such as "live-only". */
const onlyMarker = /(?<![-\w])only\b/i;
const deliveryWords =
  /\b(?:deliver(?:y|ed|ies)?|shipping|ships?|dispatch(?:ed)?|next[- ]day|same[- ]day|arrives?)\b/i;

/** Other names people write for a country, beside its code and English name. */
const countryAliases: Record<string, string[]> = {
  GB: ['UK', 'Great Britain', 'Britain', 'England', 'Scotland', 'Wales', 'Northern Ireland'],
  US: ['USA', 'U.S.', 'U.S.A.', 'America', 'United States of America'],
  NL: ['Holland', 'the Netherlands'],
  CZ: ['Czech Republic'],
};

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

function escapeForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when the text names the country by its code (upper case, as written) or a name. */
export function namesCountry(text: string, country: string): boolean {
  const code = country.toUpperCase();
  if (new RegExp(`(?<![A-Za-z])${code}(?![A-Za-z])`).test(text)) return true;
  const names = [regionNames.of(code), ...(countryAliases[code] ?? [])].filter(
    (name): name is string => Boolean(name) && name !== code,
  );
  return names.some((name) =>
    new RegExp(`(?<![A-Za-z])${escapeForPattern(name)}(?![A-Za-z])`, 'i').test(text),
  );
}

function sentencesOf(copy: string): string[] {
  return copy
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter(Boolean);
}

export function findDeliveryPromises(copy: string): FoundPromise[] {
  const found: FoundPromise[] = [];
  for (const rule of deliveryPromiseRules) {
    for (const pattern of rule.patterns) {
      const match = pattern.exec(copy);
      if (match) {
        found.push({ kind: rule.kind, label: rule.label, phrase: match[0] });
        break;
      }
    }
  }
  return found;
}

function promisedIn(sentence: string, rule: DeliveryPromiseRule): boolean {
  return rule.patterns.some((pattern) => pattern.test(sentence));
}

/**
 * Whether the copy takes a market out of a promise: a sentence about delivery (or the one
 * right after the promise) with an exclusion marker that names the market after it, or a
 * sentence limiting the promise to some of the markets ("... in France and Belgium only")
 * that does not name it.
 */
export function excludesMarket(
  copy: string,
  rule: DeliveryPromiseRule,
  country: string,
  markets: readonly string[],
): boolean {
  const sentences = sentencesOf(copy);
  return sentences.some((sentence, index) => {
    const promised = promisedIn(sentence, rule);
    const marker = exclusionMarkers.exec(sentence);
    if (marker) {
      // A bare "Excludes ES and IT." right after the promise qualifies it; "The bonus
      // excludes ES." does not.
      const previous = sentences[index - 1];
      const leading = /^[^A-Za-z]*$/.test(sentence.slice(0, marker.index));
      const aboutDelivery =
        promised ||
        deliveryWords.test(sentence) ||
        (leading && previous !== undefined && promisedIn(previous, rule));
      return Boolean(aboutDelivery) && namesCountry(sentence.slice(marker.index), country);
    }
    const limiting =
      promised &&
      onlyMarker.test(sentence) &&
      markets.some((market) => namesCountry(sentence, market));
    return limiting && !namesCountry(sentence, country);
  });
}

/** The region that would fulfil an order to a country: the first by priority that serves it. */
export function regionFor(
  regions: readonly RegionCapabilities[],
  country: string,
): RegionCapabilities | undefined {
  return [...regions]
    .sort((a, b) => a.priority - b.priority)
    .find((region) => region.countries.includes(country.toUpperCase()));
}

function listCountries(gaps: PromiseGap[]): string {
  return gaps
    .map((gap) => `${gap.country} (${gap.regionName ?? 'no region serves it'})`)
    .join(', ');
}

/**
 * Checks the copy's delivery promises against the markets it sells into. Markets default to
 * every country the regions serve, the places an order can be routed to.
 */
export function checkDeliveryPromises(input: {
  copy: string;
  markets: readonly string[];
  regions: readonly RegionCapabilities[];
}): PromiseCheck {
  const promises = findDeliveryPromises(input.copy);
  const markets =
    input.markets.length > 0
      ? input.markets.map((market) => market.toUpperCase())
      : [...new Set(input.regions.flatMap((region) => region.countries))];
  if (promises.length === 0) {
    return { promises, unkept: [], excluded: [], passed: true, detail: 'No delivery promises' };
  }
  const phrases = promises.map((promise) => `"${promise.phrase}"`).join(', ');
  if (markets.length === 0) {
    return {
      promises,
      unkept: [],
      excluded: [],
      passed: false,
      detail: `The copy promises ${phrases} but no market or fulfilment region is set up to check it against`,
    };
  }
  const unkept: PromiseGap[] = [];
  const excluded: PromiseGap[] = [];
  for (const promise of promises) {
    const rule = deliveryPromiseRules.find((candidate) => candidate.kind === promise.kind);
    if (!rule) continue;
    for (const country of markets) {
      const region = regionFor(input.regions, country);
      if (region?.capabilities.includes(rule.capability)) continue;
      const gap = { kind: rule.kind, label: rule.label, country, regionName: region?.name ?? null };
      (excludesMarket(input.copy, rule, country, markets) ? excluded : unkept).push(gap);
    }
  }
  if (unkept.length > 0) {
    const byLabel = [...new Set(unkept.map((gap) => gap.label))].map(
      (label) =>
        `${label} cannot be kept in ${listCountries(unkept.filter((gap) => gap.label === label))}`,
    );
    return {
      promises,
      unkept,
      excluded,
      passed: false,
      detail: `The copy promises ${phrases}: ${byLabel.join('; ')}, and names no exclusion for them`,
    };
  }
  return {
    promises,
    unkept,
    excluded,
    passed: true,
    detail:
      excluded.length > 0
        ? `The copy promises ${phrases} and excludes ${excluded.map((gap) => gap.country).join(', ')}`
        : `The copy promises ${phrases}; every market's region can keep it`,
  };
}
