import { z } from 'zod';
import type { CheckoutDetails } from '../drops/index.js';
import { html, type SafeHtml } from './html.js';

/**
 * The checkout form shared by the offer page (sent as JSON by its script) and the
 * no-JavaScript fallback (sent as a plain form). The rules mirror the public checkout API's
 * body schema, so both paths refuse the same input with the same words.
 */

export const testCards = [
  { token: 'pm_card_visa', label: 'Test card: Visa (pays)' },
  { token: 'pm_card_chargeDeclined', label: 'Test card: declined' },
] as const;

const checkoutForm = z.object({
  email: z.email('must be an e-mail address').max(254),
  name: z.string().trim().min(1, 'is required').max(200),
  line1: z.string().trim().min(1, 'is required').max(200),
  city: z.string().trim().min(1, 'is required').max(100),
  postalCode: z.string().trim().min(1, 'is required').max(20),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'must be a 2-letter country code, such as FR'),
  token: z.string().min(1, 'is required').max(200),
});

export type CheckoutFields = Partial<Record<keyof z.infer<typeof checkoutForm>, string>>;
export type FieldErrors = Partial<Record<keyof CheckoutFields, string>>;

export type ParsedCheckout =
  | { ok: true; input: CheckoutDetails & { saveProfile: boolean } }
  | { ok: false; errors: FieldErrors; summary: string };

/** Reads the submitted fields; a bad field gets its own message next to it. */
export function parseCheckoutForm(body: Record<string, string | undefined>): ParsedCheckout {
  const result = checkoutForm.safeParse(body);
  if (!result.success) {
    const errors: FieldErrors = {};
    for (const issue of result.error.issues) {
      const field = String(issue.path[0]) as keyof FieldErrors;
      errors[field] ??= issue.message;
    }
    const summary = Object.entries(errors)
      .map(([field, message]) => `${labels[field as keyof FieldErrors]} ${message}`)
      .join('; ');
    return { ok: false, errors, summary };
  }
  const form = result.data;
  return {
    ok: true,
    input: {
      email: form.email,
      name: form.name,
      address: {
        line1: form.line1,
        city: form.city,
        postalCode: form.postalCode,
        country: form.country.toUpperCase(),
      },
      payment: { provider: 'sandbox', token: form.token },
      saveProfile: savesProfile(body),
    },
  };
}

/** Whether the save opt-in was ticked: a checkbox is sent only when it is. */
export function savesProfile(body: Record<string, string | undefined>): boolean {
  return body.saveProfile === '1' || body.saveProfile === 'on';
}

/** The opt-in that saves the details and payment method for one-click checkout next time. */
export function saveProfileOptIn(checked: boolean): SafeHtml {
  return html`<label for="f-save"><input type="checkbox" id="f-save" name="saveProfile" value="1"${checked ? ' checked' : ''}> Save my details for one-click checkout next time</label>`;
}

const labels: Record<keyof CheckoutFields, string> = {
  email: 'Email',
  name: 'Full name',
  line1: 'Address',
  city: 'City',
  postalCode: 'Postal code',
  country: 'Country',
  token: 'Payment',
};

const inputs: Array<{ field: keyof CheckoutFields; type: string; autocomplete: string }> = [
  { field: 'email', type: 'email', autocomplete: 'email' },
  { field: 'name', type: 'text', autocomplete: 'name' },
  { field: 'line1', type: 'text', autocomplete: 'address-line1' },
  { field: 'city', type: 'text', autocomplete: 'address-level2' },
  { field: 'postalCode', type: 'text', autocomplete: 'postal-code' },
  { field: 'country', type: 'text', autocomplete: 'country' },
];

/**
 * How the form takes payment: the sandbox's test-card picker, or a card typed into the payment
 * provider's own fields (Stripe.js mounts them in `#card-element`; the page only ever gets a
 * PaymentMethod id back).
 */
export type PaymentField = 'test_cards' | 'card';

const cardField = html`<span class="label" id="card-label">Card</span><div id="card-element" class="card-field" role="group" aria-labelledby="card-label"></div><div class="err" id="card-errors" role="alert"></div>`;

/** The form's fields, filled with what the shopper typed and each field's error. */
export function checkoutFields(
  values: CheckoutFields = {},
  errors: FieldErrors = {},
  payment: PaymentField = 'test_cards',
): SafeHtml {
  const fields = inputs.map(({ field, type, autocomplete }) => {
    const id = `f-${field}`;
    const error = errors[field];
    return html`<label for="${id}">${labels[field]}</label><input id="${id}" name="${field}" type="${type}" autocomplete="${autocomplete}" required value="${values[field] ?? ''}"${field === 'country' ? html` maxlength="2" placeholder="FR"` : ''}${error ? html` aria-invalid="true" aria-describedby="${id}-err"` : ''}>${error ? html`<div class="err" id="${id}-err">${error}</div>` : ''}`;
  });
  if (payment === 'card') return html`${fields}${cardField}`;
  const options = testCards.map(
    (card) =>
      html`<option value="${card.token}"${values.token === card.token ? ' selected' : ''}>${card.label}</option>`,
  );
  return html`${fields}<label for="f-token">${labels.token}</label><select id="f-token" name="token">${options}</select>`;
}
