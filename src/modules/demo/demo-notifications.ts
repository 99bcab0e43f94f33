import type { Services } from '../../services.js';
import { roles } from '../access/index.js';

/**
 * The demo's first notification, for every member of the retail organisation: it says where
 * reminders and escalations will arrive, so the bell is not empty on first sign-in.
 */
export async function createDemoNotifications(
  services: Services,
  organizationId: string,
): Promise<void> {
  await services.notifier.notify({
    organizationId,
    kind: 'demo.welcome',
    title: 'Welcome to the Mydrop demo',
    body: 'Approval reminders, escalations and go/no-go results arrive here, by e-mail when SMTP is configured, and at your webhooks.',
    link: '/settings#webhooks',
    recipients: { roles: [...roles] },
  });
}
