import { z } from 'zod';
import {
  commonErrors,
  idParams,
  type Routes,
  secured,
  timestamp,
  typed,
} from '../../http/route-context.js';

const notificationSchema = z
  .object({
    id: z.string(),
    kind: z.string().meta({ description: 'Dotted kind, such as approval.overdue' }),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable().meta({ description: 'Console path the notification opens' }),
    data: z.record(z.string(), z.unknown()),
    createdAt: timestamp,
    readAt: timestamp.nullable(),
  })
  .meta({ id: 'Notification' });

export const notificationsRoutes: Routes = (app, { services, auth }) => {
  const api = typed(app);
  const { notifications } = services;

  api.get(
    '/api/v1/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: "The signed-in member's notifications in the active organisation",
        description: 'Unread first, newest first within each group, with the count of unread ones.',
        security: secured,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: {
          200: z.object({ items: z.array(notificationSchema), unreadCount: z.number().int() }),
          ...commonErrors,
        },
      },
    },
    async (request) => notifications.list(await auth.requireActor(request), request.query.limit),
  );

  api.post(
    '/api/v1/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark one notification read (reading it again keeps the first time)',
        security: secured,
        params: idParams,
        response: { 200: notificationSchema, ...commonErrors },
      },
    },
    async (request) => notifications.markRead(await auth.requireActor(request), request.params.id),
  );

  api.post(
    '/api/v1/notifications/read-all',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark every notification read',
        security: secured,
        response: { 200: z.object({ updated: z.number().int() }), ...commonErrors },
      },
    },
    async (request) => notifications.markAllRead(await auth.requireActor(request)),
  );
};
