export {
  GraphMailApi,
  GraphRequestError,
  type GraphClientCredential,
  type GraphConnection,
  type GraphDeltaPage,
  type GraphErrorKind,
  type GraphMessageSummary,
  type GraphSubscriptionView,
  type NewGraphSubscription,
} from './lib/graph-mail-api.port';
export { MsGraphMailApi, type MsGraphMailApiOptions } from './lib/ms-graph-mail-api.adapter';
