export {
  PushProvider,
  type FailureDisposition,
  type PushNotification,
  type PushOutcome,
  type PushRequest,
  type PushTarget,
} from './lib/port/push-provider.port';
export type { ApnsCredential, FcmCredential, PushCredential, PushEndpoints } from './lib/port/push-credential';
export { createPushProvider } from './lib/create-push-provider';
export { ApnsPushProvider, type ApnsPushProviderOptions } from './lib/apns/apns-push-provider.adapter';
export { loadApnsCredential, type ApnsKeyInput } from './lib/apns/apns-credential.loader';
export { FcmPushProvider, type FcmPushProviderOptions } from './lib/fcm/fcm-push-provider.adapter';
export { loadFcmCredential } from './lib/fcm/fcm-credential.loader';
export {
  FcmAccessTokenSource,
  FcmAccessTokenError,
  FCM_SCOPE,
  type FcmAccessTokenSourceOptions,
} from './lib/fcm/fcm-access-token.source';
export { classifyApnsFailure, type ApnsFailure } from './lib/errors/apns-failure.classifier';
export { classifyFcmFailure, parseFcmErrorBody, type FcmFailure } from './lib/errors/fcm-failure.classifier';
export type { FailedPushOutcome } from './lib/errors/failed-outcome';
export { parseRetryAfter } from './lib/errors/retry-after';
export { PushCredentialError } from './lib/support/push-credential.error';
