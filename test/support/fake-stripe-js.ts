/**
 * The fake Stripe.js that fake-stripe.ts serves at `/v3/`. The card field is a plain input
 * (Stripe's is a frame). Like the real Stripe.js, `createPaymentMethod` sends the card to the
 * API with the publishable key and answers the new PaymentMethod (a single-use `pm_…` until a
 * Customer keeps it).
 */
export function fakeStripeJs(origin: string): string {
  return `(() => {
  window.Stripe = (key) => {
    if (!/^pk_(test|live)_/.test(key)) throw new Error('Invalid publishable key');
    return {
      elements: () => ({
        create: (type) => {
          const input = document.createElement('input');
          input.setAttribute('aria-label', 'Card number');
          input.setAttribute('inputmode', 'numeric');
          const listeners = [];
          input.addEventListener('input', () => listeners.forEach((fn) => fn({ elementType: type, error: undefined })));
          return {
            mount: (selector) => document.querySelector(selector).appendChild(input),
            on: (event, fn) => { if (event === 'change') listeners.push(fn); },
            number: () => input.value.replace(/\\s+/g, ''),
          };
        },
      }),
      createPaymentMethod: async ({ type, card, billing_details: billing = {} }) => {
        const form = new URLSearchParams({ type, 'card[number]': card.number(), key });
        if (billing.name) form.set('billing_details[name]', billing.name);
        if (billing.email) form.set('billing_details[email]', billing.email);
        const response = await fetch('${origin}/v1/payment_methods', { method: 'POST', body: form });
        const answer = await response.json();
        return response.ok ? { paymentMethod: answer } : { error: answer.error };
      },
      handleCardAction: async (clientSecret) => {
        const response = await fetch('${origin}/test/authenticate', { method: 'POST', body: clientSecret });
        const intent = await response.json();
        return intent.status === 'requires_confirmation'
          ? { paymentIntent: intent }
          : { error: { type: 'invalid_request_error', message: 'We are unable to authenticate your payment method.' } };
      },
    };
  };
})();
`;
}
