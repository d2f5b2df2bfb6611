export { GraphWebhookModule, type GraphWebhookModuleSetup } from './lib/graph-webhook.module';
export type { GraphWebhookModuleOptions } from './lib/graph-webhook.settings';
export { GRAPH_WEBHOOK_PATH } from './lib/graph-webhook.paths';
export {
  GraphSubscriptionDirectory,
  type KnownSubscription,
} from './lib/subscriptions/graph-subscription-directory.port';
export { TypeOrmGraphSubscriptionDirectory } from './lib/subscriptions/typeorm-graph-subscription-directory.adapter';
export { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, type FieldError, type Problem } from './lib/http/problem';
export type { NotificationKind, RejectionReason, WebhookOutcome } from './lib/metrics/graph-webhook.metrics';
export * from './lib/rich';
