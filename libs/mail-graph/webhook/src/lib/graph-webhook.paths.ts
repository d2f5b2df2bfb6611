/**
 * Where Graph posts change notifications, lifecycle notifications and the validation handshake (**contract**;
 * the reverse proxy publishes this path alone). mailpush gives it as both `notificationUrl` and
 * `lifecycleNotificationUrl`.
 */
export const GRAPH_WEBHOOK_PATH = '/notificationClient';
