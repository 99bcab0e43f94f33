export { CheckoutPayments } from './checkout-payments.js';
export { CheckoutPaymentsRepository } from './checkout-payments.repository.js';
export { EmbeddedOfferStore } from './embedded-offer-store.js';
export { HoldJournal } from './hold-journal.js';
export { HoldsRepository } from './holds.repository.js';
export { OfferBook } from './offer-book.js';
export { OfferStockRepository } from './offer-stock.repository.js';
export type { OfferStore, StoreClaimOutcome } from './offer-store.js';
export { OffersRepository } from './offers.repository.js';
export { offersRoutes } from './offers.routes.js';
export { type Offer, type OfferInput, OffersService } from './offers.service.js';
export { OrdersRepository } from './orders.repository.js';
export { ordersRoutes } from './orders.routes.js';
export { fulfilmentStatuses, OrdersService } from './orders.service.js';
export {
  type PaymentProvider,
  SandboxPaymentProvider,
  type ShopperPaymentOptions,
} from './payment-provider.js';
export { PaymentReconciler, type Settlement } from './payment-reconciler.js';
export { PaymentRefunds } from './payment-refunds.js';
export { RedisOfferStore } from './redis-offer-store.js';
export { shopperRoutes } from './shopper.routes.js';
export {
  type CheckoutDetails,
  type CheckoutInput,
  type ClaimDecision,
  ShopperService,
} from './shopper.service.js';
export { ShopperProfilesRepository } from './shopper-profiles.repository.js';
export { type StockAlert, StockWatch } from './stock-watch.js';
export {
  createStripeClient,
  StripePaymentProvider,
  type StripeSettings,
} from './stripe-provider.js';
export { stripeWebhookRoutes } from './stripe-webhook.routes.js';
export { StripeWebhookReceiver } from './stripe-webhooks.js';
export { WaitlistRepository } from './waitlist.repository.js';
