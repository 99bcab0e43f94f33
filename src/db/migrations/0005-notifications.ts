/** Tables for durable scheduled jobs, in-app notifications and outbound webhooks. */
export const notifications: readonly string[] = [];
