export {
  PushProvider,
  type FailureDisposition,
  type PushNotification,
  type PushOutcome,
  type PushRequest,
  type PushTarget,
} from './lib/port/push-provider.port';
export type { ApnsCredential, FcmCredential, PushCredential, PushEndpoints } from './lib/port/push-credential';
