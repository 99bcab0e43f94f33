/**
 * Saved Stripe cards for one-click checkout: Stripe charges a saved PaymentMethod again only
 * together with the Customer it is attached to, so a profile keeps that Customer's id next to
 * the method. Null for the sandbox, whose test tokens need no customer.
 */
export const savedCardCustomers: readonly string[] = [
  'alter table shopper_profiles add column payment_customer text',
];
