import { z } from 'zod';
import {
  commonErrors,
  errorResponse,
  idParams,
  type Routes,
  secured,
  typed,
} from '../../http/route-context.js';
import { withLinks } from './shows.routes.js';
import {
  checkNameParams,
  crmCallbackInput,
  crmConfirmationInput,
  goLiveInput,
  linkTestInput,
  offerParams,
  policyBundleInput,
  preflightSchema,
  showSchema,
} from './shows.schemas.js';

const tags = ['go/no-go'];

/**
 * The go/no-go gate: manual checks, link tests, the preflight, going live (or refusing with
 * `preflight_failed` and `details.failing`), the emergency override, ending, and the agency's
 * policy bundle.
 */
export const showGateRoutes: Routes = (app, { services, auth, baseUrl }) => {
  const api = typed(app);
  const { checks, gate, policyBundles } = services.shows;

  api.get(
    '/api/v1/shows/:id/preflight',
    {
      schema: {
        tags,
        summary: 'The go/no-go checklist as it stands now',
        description:
          'Each check has a stable name (documents_approved:<documentId>, link_tested:<offerId>, reserves_armed:<offerId>, delivery_promises:<documentId>, stream_health, rollback_contacts, policy_bundle, manual:<name>), whether it passes, and why.',
        security: secured,
        params: idParams,
        response: { 200: preflightSchema, ...commonErrors },
      },
    },
    async (request) => gate.preflight(await auth.requireActor(request), request.params.id),
  );

  api.post(
    '/api/v1/shows/:id/go-live',
    {
      schema: {
        tags,
        summary: 'Go live once every check passes',
        description:
          'Refuses with 409 `preflight_failed` while any check fails; `details.failing` names each failing check and `details.checks` gives them all. With `override.reason`, someone holding shows.override (the owner) goes live anyway: audited as show.override, and the checkout is sampled hourly for six hours.',
        security: secured,
        params: idParams,
        body: goLiveInput,
        response: {
          200: z.object({
            show: showSchema,
            overridden: z.boolean(),
            failing: z.array(z.string()),
          }),
          ...commonErrors,
          409: errorResponse,
        },
      },
    },
    async (request) => {
      const result = await gate.goLive(
        await auth.requireActor(request),
        request.params.id,
        request.body?.override,
      );
      return { ...result, show: withLinks(result.show, baseUrl) };
    },
  );

  api.post(
    '/api/v1/shows/:id/end',
    {
      schema: {
        tags,
        summary: 'End a live show',
        security: secured,
        params: idParams,
        response: { 200: showSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request) =>
      withLinks(await gate.end(await auth.requireActor(request), request.params.id), baseUrl),
  );

  for (const [method, confirmed] of [
    ['post', true],
    ['delete', false],
  ] as const) {
    api[method](
      '/api/v1/shows/:id/manual-checks/:name/confirmation',
      {
        schema: {
          tags,
          summary: confirmed ? 'Confirm a manual check' : 'Withdraw a manual check',
          description: "Only a signed-in member with the check's role, or the owner.",
          security: secured,
          params: checkNameParams,
          response: { 200: showSchema, ...commonErrors, 409: errorResponse },
        },
      },
      async (request) =>
        withLinks(
          await checks.confirmManualCheck(
            await auth.requireActor(request),
            request.params.id,
            request.params.name,
            confirmed,
          ),
          baseUrl,
        ),
    );
  }

  api.post(
    '/api/v1/shows/:id/link-tests',
    {
      schema: {
        tags,
        summary: "Record a test order through an offer's commerce link",
        description:
          'The order must be a paid order of that offer in this organisation. Recording again replaces the test and its CRM confirmation.',
        security: secured,
        params: idParams,
        body: linkTestInput,
        response: { 200: showSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request) =>
      withLinks(
        await checks.recordLinkTest(
          await auth.requireActor(request),
          request.params.id,
          request.body,
        ),
        baseUrl,
      ),
  );

  api.post(
    '/api/v1/shows/:id/link-tests/:offerId/crm-confirmation',
    {
      schema: {
        tags,
        summary: "Confirm the test order's CRM tag landed",
        description:
          'A person names who saw the tag (`confirmedBy`); an API token confirms as the integration.',
        security: secured,
        params: offerParams,
        body: crmConfirmationInput,
        response: { 200: showSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request) =>
      withLinks(
        await checks.confirmCrmTag(
          await auth.requireActor(request),
          request.params.id,
          request.params.offerId,
          request.body,
        ),
        baseUrl,
      ),
  );

  api.post(
    '/api/v1/integrations/crm/tag-confirmations',
    {
      schema: {
        tags,
        summary: "CRM integration callback: an order's tag landed",
        description:
          'Authenticate with an API token. Confirms every link test made with the order; answers how many.',
        security: [{ bearer: [] }],
        body: crmCallbackInput,
        response: { 200: z.object({ confirmed: z.number().int() }), ...commonErrors },
      },
    },
    async (request) => ({
      confirmed: await checks.confirmCrmTagFromIntegration(
        await auth.requireActor(request),
        request.body,
      ),
    }),
  );

  api.post(
    '/api/v1/shows/:id/policy-bundle',
    {
      schema: {
        tags,
        summary: "Submit the agency's policy bundle (agency-managed campaigns)",
        description:
          'Final copy (a document of the show, at the version it will use), a checkout screenshot URL and, when anything deviates, the signed legal exception. Due 72 hours before the show; a missing bundle then alerts the owner.',
        security: secured,
        params: idParams,
        body: policyBundleInput,
        response: { 200: showSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request) =>
      withLinks(
        await policyBundles.submit(
          await auth.requireActor(request),
          request.params.id,
          request.body,
        ),
        baseUrl,
      ),
  );
};
