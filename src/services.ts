import type { Logger } from 'pino';
import type { Db } from './db/database.js';
import type { Clock } from './lib/clock.js';
import { type Actor, isRole } from './modules/access/index.js';
import {
  ApprovalsStore,
  BusinessCalendarService,
  CampaignsService,
  DocumentsService,
  ReviewSla,
  ReviewsService,
} from './modules/approvals/index.js';
import { AuditRepository, AuditService } from './modules/audit/index.js';
import { BenchmarksService, DropRunsRepository } from './modules/benchmarks/index.js';
import { CatalogRepository, CatalogService } from './modules/catalog/index.js';
import {
  CheckoutPayments,
  CheckoutPaymentsRepository,
  EmbeddedOfferStore,
  HoldJournal,
  HoldsRepository,
  OfferStockRepository,
  type OfferStore,
  OffersRepository,
  OffersService,
  OrdersRepository,
  OrdersService,
  type PaymentProvider,
  PaymentReconciler,
  PaymentRefunds,
  SandboxPaymentProvider,
  ShopperProfilesRepository,
  ShopperService,
  StockWatch,
  StripePaymentProvider,
  type StripeSettings,
  StripeWebhookReceiver,
  WaitlistRepository,
} from './modules/drops/index.js';
import { FulfilmentRepository, FulfilmentService } from './modules/fulfilment/index.js';
import {
  IdentityRepository,
  IdentityService,
  type LoginLimits,
  LoginRateLimiter,
  type ScryptCost,
} from './modules/identity/index.js';
import {
  createNotificationsModule,
  type DurableScheduler,
  type EventPublisher,
  type MailSettings,
  type NotificationsService,
  type Notifier,
  type WebhooksService,
} from './modules/notifications/index.js';
import {
  InvitationsService,
  OrganizationsRepository,
  OrganizationsService,
} from './modules/organizations/index.js';
import {
  createShowServices,
  createStreamProbe,
  type ShowCommerce,
  type ShowServices,
  ShowsRepository,
  showJobHandlers,
} from './modules/shows/index.js';
import { TokensRepository, TokensService } from './modules/tokens/index.js';

/** The application's services, wired once. Each asks only for what it uses. */
export interface Services {
  clock: Clock;
  /** The audit trail; other services get it as their `audit: AuditRecorder`. */
  audit: AuditService;
  identity: IdentityService;
  organizations: OrganizationsService;
  invitations: InvitationsService;
  tokens: TokensService;
  catalog: CatalogService;
  /** Live state of armed offers: embedded in this process, or shared through Redis. */
  offerStore: OfferStore;
  offers: OffersService;
  shopper: ShopperService;
  /** Flags operations when a live offer runs low or sells out, with its substitutes. */
  stockWatch: StockWatch;
  orders: OrdersService;
  /** Settles checkout payments left `charging` (the sweep) and what providers report. */
  paymentReconciler: PaymentReconciler;
  /** Verifies Stripe webhooks; undefined while STRIPE_WEBHOOK_SECRET is not set. */
  stripeWebhooks: StripeWebhookReceiver | undefined;
  fulfilment: FulfilmentService;
  /** Campaigns with their decisions and approvals matrix. */
  campaigns: CampaignsService;
  /** Working days and holidays per organisation, for business-day SLA windows. */
  businessCalendar: BusinessCalendarService;
  /** Versioned documents and their approval state (the go/no-go gate's `DocumentApprovals`). */
  documents: DocumentsService;
  /** Review rounds along the matrix, SLA reminders and escalations, the waiting dashboard. */
  reviews: ReviewsService;
  /** Shows on the calendar, their go/no-go gate, override and policy bundle. */
  shows: ShowServices;
  /**
   * Durable jobs. Other services get it as their `scheduler: JobScheduler`; what runs each
   * kind is registered here in createServices with `scheduler.handle(kind, handler)`.
   */
  scheduler: DurableScheduler;
  /** Outbound webhook events; other services get it as their `events: EventPublisher`. */
  events: EventPublisher;
  /** In-app, webhook and e-mail notifications; other services get it as `notifier: Notifier`. */
  notifier: Notifier;
  /** The signed-in member's inbox. */
  notifications: NotificationsService;
  /** Outbound webhook subscriptions and their deliveries. */
  webhooks: WebhooksService;
  /** Recorded runs of the drop benchmark, for the console's Benchmarks page. */
  benchmarks: BenchmarksService;
}

export interface ServiceOptions {
  db: Db;
  clock: Clock;
  secret: string;
  passwordCost?: ScryptCost;
  loginLimits?: LoginLimits;
  paymentProviders?: Record<string, PaymentProvider>;
  /** When set, checkout offers the `stripe` provider next to the sandbox; webhooks verify. */
  stripe?: StripeSettings | undefined;
  /** Offer the sandbox provider (test cards); true unless said otherwise. */
  sandboxPayments?: boolean;
  /** Timings of durable checkout payments (tests shorten them); see checkout-payments.ts. */
  checkoutPayments?: {
    graceMs?: number;
    answerWaitMs?: number;
    answerPollMs?: number;
    heldPastDeadlineMs?: number;
  };
  logger?: Logger;
  /** E-mail for notifications; undefined while SMTP_URL is not set. */
  mail?: MailSettings | undefined;
  /** The console's address, for links in e-mail. */
  baseUrl?: string | undefined;
  /**
   * Builds the offer store when offers are shared with other processes (REDIS_URL); the
   * embedded store otherwise.
   */
  offerStore?: (deps: OfferStoreDeps) => OfferStore;
  /** The database runs on another thread or server (DatabaseHandle.offThread). */
  databaseOffThread?: boolean | undefined;
  /** The database runs statements in the order sent (DatabaseHandle.pipelined). */
  databasePipelined?: boolean | undefined;
  /** The drop benchmark's results file (MYDROP_BENCH_RESULTS); without it, no runs. */
  dropBenchResults?: string | undefined;
  /**
   * Shoppers expected in one drop's burst (MYDROP_EXPECTED_CROWD): the embedded store
   * prepares memory for their claims' answers when it starts. None when unset.
   */
  expectedCrowd?: number | undefined;
}

/** What an offer store is built from. */
export interface OfferStoreDeps {
  /** Books are rebuilt from the first four; Redis asks orders whether a stuck payment sold. */
  offers: OffersRepository;
  holds: HoldsRepository;
  stock: OfferStockRepository;
  waitlist: WaitlistRepository;
  orders: OrdersRepository;
  journal: HoldJournal;
  clock: Clock;
  logger?: Logger | undefined;
  /** Units that leave a closed offer go back to the catalog's stock. */
  returnUnsold(
    organizationId: string,
    offerId: string,
    units: number,
    market: string | null,
  ): Promise<void>;
}

export function createServices(options: ServiceOptions): Services {
  const { db, clock, secret } = options;
  const identityRepository = new IdentityRepository(db);
  const tokensRepository = new TokensRepository(db);
  const nameActor = async (actor: Actor) =>
    actor.kind === 'user'
      ? ((await identityRepository.findUsersByIds([actor.id]))[0]?.name ?? null)
      : ((await tokensRepository.find(actor.organizationId, actor.id))?.name ?? null);
  // First, so every service that records events can be handed it.
  const audit = new AuditService({ repository: new AuditRepository(db), clock, nameActor });
  const organizationsRepository = new OrganizationsRepository(db);
  // Early, so every service that schedules jobs or tells people can be handed these.
  const { scheduler, events, notifier, notifications, webhooks } = createNotificationsModule({
    db,
    clock,
    secret,
    logger: options.logger,
    mail: options.mail,
    consoleUrl: options.baseUrl,
    members: async (organizationId) => {
      const memberships = await organizationsRepository.listMemberships(organizationId);
      const users = await identityRepository.findUsersByIds(memberships.map((m) => m.userId));
      const emails = new Map(users.map((user) => [user.id, user.email]));
      return memberships.flatMap(({ userId, role }) => {
        const email = emails.get(userId);
        return email && isRole(role) ? [{ userId, role, email }] : [];
      });
    },
  });
  const organizations = new OrganizationsService({
    repository: organizationsRepository,
    clock,
    audit,
  });
  const offersRepository = new OffersRepository(db);
  const stockRepository = new OfferStockRepository(db);
  const holdsRepository = new HoldsRepository(db);
  const ordersRepository = new OrdersRepository(db);
  const storeDeps: OfferStoreDeps = {
    offers: offersRepository,
    holds: holdsRepository,
    stock: stockRepository,
    waitlist: new WaitlistRepository(db),
    orders: ordersRepository,
    journal: new HoldJournal({
      holds: holdsRepository,
      clock,
      logger: options.logger,
      writesOffThread: options.databaseOffThread,
      pipelinedWrites: options.databasePipelined,
    }),
    clock,
    logger: options.logger,
    // The offers service is built below; this runs only once requests flow.
    returnUnsold: (organizationId, offerId, units, market) =>
      offers.returnUnsold(organizationId, offerId, units, market),
  };
  const offerStore =
    options.offerStore?.(storeDeps) ??
    new EmbeddedOfferStore({ ...storeDeps, expectedCrowd: options.expectedCrowd });
  // Providers passed in are the whole set (tests inject fakes); otherwise the sandbox, plus
  // Stripe once it is configured.
  const paymentProviders: Record<string, PaymentProvider> = options.paymentProviders ?? {
    ...(options.sandboxPayments === false ? {} : { sandbox: new SandboxPaymentProvider() }),
    ...(options.stripe ? { stripe: new StripePaymentProvider(options.stripe) } : {}),
  };
  const stripeWebhookSecret = options.stripe?.webhookSecret;
  const paymentsRepository = new CheckoutPaymentsRepository(db);
  const paymentTimings = options.checkoutPayments ?? {};
  const refunds = new PaymentRefunds({
    repository: paymentsRepository,
    clock,
    paymentProviders,
    events,
    audit,
    logger: options.logger,
  });
  const payments = new CheckoutPayments({
    repository: paymentsRepository,
    clock,
    refunds,
    logger: options.logger,
    ...paymentTimings,
  });
  const paymentReconciler = new PaymentReconciler({
    refunds,
    repository: paymentsRepository,
    paymentProviders,
    orderOfHold: (holdId) => ordersRepository.findOrderByHold(holdId),
    clock,
    events,
    audit,
    logger: options.logger,
    ...paymentTimings,
  });
  const drops = { store: offerStore, clock, audit };
  const fulfilmentRepository = new FulfilmentRepository(db);
  const fulfilment = new FulfilmentService({ repository: fulfilmentRepository, clock });
  const offers = new OffersService({
    ...drops,
    offers: offersRepository,
    stock: stockRepository,
    scheduler,
  });
  offers.registerJobs(scheduler);
  const showsRepository = new ShowsRepository(db);
  const shopper = new ShopperService({
    ...drops,
    offers: offersRepository,
    holds: holdsRepository,
    orders: ordersRepository,
    paymentProviders,
    payments,
    events,
    logger: options.logger,
    returnUnsold: (organizationId, offerId, units, market) =>
      offers.returnUnsold(organizationId, offerId, units, market),
    routeOrder: (organizationId, country, amountMinor) =>
      fulfilment.routeOrder(organizationId, country, amountMinor),
    profiles: new ShopperProfilesRepository(db),
    secret,
    showOfOffer: (organizationId, offerId, at) =>
      showsRepository.findShowOfOffer(organizationId, offerId, at),
  });
  const approvals = createApprovalServices({
    db,
    clock,
    audit,
    scheduler,
    notifier,
    nameActor,
    organizations,
  });
  const shows = createShowServices({
    repository: showsRepository,
    clock,
    audit,
    scheduler,
    notifier,
    documentApprovals: approvals.documents,
    campaignOf: (organizationId, campaignId) =>
      approvals.campaigns.campaignOf(organizationId, campaignId),
    commerce: showCommerce(offersRepository, ordersRepository, offers, shopper),
    regionsOf: (organizationId) => fulfilmentRepository.listRegions(organizationId),
    brandOf: (organizationId, brandId) =>
      organizationsRepository.findBrand(organizationId, brandId),
    nameActor,
    probeStream: createStreamProbe(),
  });
  for (const [kind, handler] of Object.entries(showJobHandlers(shows)))
    scheduler.handle(kind, handler);
  return {
    clock,
    audit,
    scheduler,
    events,
    notifier,
    notifications,
    webhooks,
    benchmarks: new BenchmarksService({
      dropRuns: new DropRunsRepository({
        path: options.dropBenchResults ?? null,
        logger: options.logger,
      }),
    }),
    identity: new IdentityService({
      repository: identityRepository,
      clock,
      secret,
      loginLimiter: new LoginRateLimiter(clock, options.loginLimits),
      ...(options.passwordCost ? { passwordCost: options.passwordCost } : {}),
    }),
    organizations,
    invitations: new InvitationsService({ repository: organizationsRepository, clock, secret }),
    tokens: new TokensService({ repository: tokensRepository, clock, secret, audit }),
    catalog: new CatalogService({
      repository: new CatalogRepository(db),
      clock,
      brandExists: (organizationId, brandId) => organizations.brandExists(organizationId, brandId),
    }),
    offerStore,
    offers,
    stockWatch: new StockWatch({
      offers: offersRepository,
      stock: stockRepository,
      store: offerStore,
      notifier,
      clock,
      logger: options.logger,
    }),
    shopper,
    fulfilment,
    ...approvals,
    shows,
    orders: new OrdersService({
      ...drops,
      orders: ordersRepository,
      offers: offersRepository,
      paymentProviders,
      events,
    }),
    paymentReconciler,
    stripeWebhooks: stripeWebhookSecret
      ? new StripeWebhookReceiver({
          webhookSecret: stripeWebhookSecret,
          clock,
          reconciler: paymentReconciler,
        })
      : undefined,
  };
}

/** Campaigns, documents and reviews; registers the SLA reminder and escalation jobs. */
function createApprovalServices(deps: {
  db: Db;
  clock: Clock;
  audit: AuditService;
  scheduler: DurableScheduler;
  notifier: Notifier;
  nameActor: (actor: Actor) => Promise<string | null>;
  organizations: OrganizationsService;
}) {
  const { clock, audit, scheduler, notifier, nameActor, organizations } = deps;
  const store = new ApprovalsStore(deps.db);
  const campaigns = new CampaignsService({
    store,
    clock,
    audit,
    brandExists: (organizationId, brandId) => organizations.brandExists(organizationId, brandId),
  });
  const businessCalendar = new BusinessCalendarService({
    store,
    clock,
    audit,
    organizationTimezone: async (organizationId) =>
      (await organizations.findOrganization(organizationId))?.timezone ?? 'UTC',
  });
  const sla = new ReviewSla({ store, clock, audit, scheduler, notifier });
  sla.register(scheduler);
  const reviews = new ReviewsService({
    store,
    clock,
    audit,
    notifier,
    sla,
    matrixFor: (organizationId, campaignId) => campaigns.matrixFor(organizationId, campaignId),
    businessCalendarOf: (organizationId) => businessCalendar.businessCalendarOf(organizationId),
    nameActor,
  });
  const documents = new DocumentsService({
    store,
    clock,
    audit,
    reviews,
    campaignExists: async (organizationId, campaignId) =>
      (await campaigns.campaignOf(organizationId, campaignId)) !== undefined,
    nameActor,
  });
  return { campaigns, businessCalendar, documents, reviews };
}

/** What shows read of offers and orders, through the drops module's public surface. */
function showCommerce(
  offersRepository: OffersRepository,
  ordersRepository: OrdersRepository,
  offers: OffersService,
  shopper: ShopperService,
): ShowCommerce {
  return {
    async offersOf(organizationId, offerIds) {
      const found = await Promise.all(
        offerIds.map((id) => offersRepository.findOffer(organizationId, id)),
      );
      const rows = found.filter((row) => row !== undefined);
      const codes = await offersRepository.listCodes(
        organizationId,
        rows.map((row) => row.id),
      );
      return rows.map((row) => ({
        id: row.id,
        brandId: row.brandId,
        title: row.title,
        status: row.status,
        reservedUnits: row.reservedUnits,
        codes: codes.filter((code) => code.offerId === row.id).map((code) => code.code),
      }));
    },
    orderOf: (organizationId, orderId) => ordersRepository.findOrder(organizationId, orderId),
    checkoutStateOf: async (offerId) => (await shopper.describeOffer(offerId)).state,
    startSelling: async (actor, offerId) => {
      await offers.goLive(actor, offerId);
    },
    async streamEnded(actor, offerIds) {
      const closed: string[] = [];
      for (const offerId of offerIds) {
        const row = await offersRepository.findOffer(actor.organizationId, offerId);
        if (!row?.endsWithStream || row.status === 'closed') continue;
        await offers.close(actor, offerId, 'The stream ended');
        closed.push(offerId);
      }
      return closed;
    },
  };
}
