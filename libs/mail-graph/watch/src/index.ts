export { GraphWatchModule, type GraphWatchSetup } from './lib/graph-watch.module';
export { GraphWatchSettings } from './lib/graph-watch.settings';
export { GraphSubscriptionManager } from './lib/subscriptions/graph-subscription.manager';
export { SubscriptionEncryption, type SubscriptionCertificate } from './lib/subscriptions/subscription-encryption';
export { GraphConnections, GraphConnectionError } from './lib/connections/graph-connections';
export { GRAPH_PROCESSOR_GROUP } from './lib/processing/graph-change.processor';
export { GRAPH_LIFECYCLE_GROUP } from './lib/lifecycle/graph-lifecycle.handler';
export { GRAPH_WATCH_GROUP } from './lib/subscriptions/registration-changed.listener';
