import type { FastifyInstance } from 'fastify';
import type { Routes } from '../../http/route-context.js';
import { isAppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Services } from '../../services.js';
import { registerLiteRoutes } from './lite.routes.js';
import { liteNotFoundPage } from './lite-pages.js';
import { offerPage, overlayPage } from './offer-page.js';
import type { PublicOffer } from './offer-view.js';
import { sendPage } from './page-shell.js';
import { attributionFrom, isUuid, shopperIdFor } from './request-helpers.js';
import { loadStorefrontAssets, registerStorefrontAssets } from './storefront-assets.js';

/** Plain HTML forms post url-encoded bodies; only these routes accept them. */
function acceptFormPosts(scope: FastifyInstance): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
}

function registerOfferPages(app: FastifyInstance, services: Services): void {
  const assets = loadStorefrontAssets();
  registerStorefrontAssets(app, assets);
  const hidden = { schema: { hide: true } };

  const findOffer = async (
    offerId: string,
    market: string | undefined,
  ): Promise<PublicOffer | undefined> => {
    if (!isUuid(offerId)) return undefined;
    try {
      return await services.shopper.describeOffer(offerId, market ?? null);
    } catch (error) {
      if (isAppError(error) && error.code === 'not_found') return undefined;
      throw error;
    }
  };

  app.get<{ Params: { offerId: string } }>('/o/:offerId', hidden, async (request, reply) => {
    const attribution = attributionFrom(request.query);
    const offer = await findOffer(request.params.offerId, attribution.market);
    if (!offer) return sendPage(reply, liteNotFoundPage('Offer'), 404);
    const page = offerPage(offer, {
      now: services.clock.now(),
      shopperId: shopperIdFor(request, reply),
      idempotencyKey: newId(),
      attribution,
      script: assets.url('offer.js'),
      shop: await services.shopper.shopKeyOf(offer.id),
      payment: services.shopper.paymentOptions(),
    });
    return sendPage(reply, page);
  });

  app.get<{ Params: { offerId: string } }>(
    '/o/:offerId/overlay',
    hidden,
    async (request, reply) => {
      const offer = await findOffer(request.params.offerId, attributionFrom(request.query).market);
      if (!offer) return sendPage(reply, liteNotFoundPage('Offer'), 404);
      return sendPage(reply, overlayPage(offer, assets.url('overlay.js')));
    },
  );
}

/**
 * The shopper-facing side of a drop, under /o/: the offer page that goes in the stream, its
 * service worker, the embeddable overlay and the no-JavaScript fallback checkout.
 */
export const storefrontRoutes: Routes = (app, { services }) => {
  app.register(async (scope) => {
    acceptFormPosts(scope);
    registerOfferPages(scope, services);
    registerLiteRoutes(scope, services);
  });
};
