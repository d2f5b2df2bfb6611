export {
  EwsApi,
  EwsError,
  EWS_ERROR_KINDS,
  EWS_EVENT_TYPES,
  type EwsAuth,
  type EwsConnection,
  type EwsErrorKind,
  type EwsEvent,
  type EwsEventStream,
  type EwsEventType,
  type EwsInboxState,
  type EwsItemSummary,
  type EwsNotification,
  type EwsStreamMessage,
  type EwsSubscribed,
  type EwsSyncChange,
  type EwsSyncPage,
  type EwsTarget,
  type PushSubscribeRequest,
  type StreamingSubscribeRequest,
} from './lib/ews-api.port';
export {
  Autodiscover,
  AutodiscoverError,
  type AutodiscoverErrorKind,
  type AutodiscoverOverrides,
  type AutodiscoverResult,
} from './lib/autodiscover/autodiscover.port';
export { EwsSoapApi, type EwsSoapApiSettings } from './lib/ews-soap-api.adapter';
export {
  EwsHttp,
  type EwsHttpRequest,
  type EwsHttpResponse,
  type EwsHttpStreamingResponse,
} from './lib/http/ews-http.port';
export { UndiciEwsHttp, type UndiciEwsHttpSettings } from './lib/http/undici-ews-http.adapter';
export { parseSendNotification, sendNotificationResultXml } from './lib/soap/push-notification.codec';
export {
  HttpAutodiscover,
  type AutodiscoverClock,
  type HttpAutodiscoverOptions,
} from './lib/autodiscover/http-autodiscover.adapter';
export { SrvResolver, type SrvRecord } from './lib/autodiscover/srv-resolver.port';
export { DnsSrvResolver } from './lib/autodiscover/dns-srv-resolver.adapter';
export { isExchangeOnline } from './lib/autodiscover/is-exchange-online';
