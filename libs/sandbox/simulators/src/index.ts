export {
  SandboxCertificateAuthority,
  SIMULATOR_SERVER_NAMES,
  type IssuedCertificate,
} from './lib/tls/sandbox-certificate-authority';
export { ApnsSimulator, type ApnsSimulatorOptions } from './lib/apns/apns-simulator';
export {
  APNS_ERROR_REASONS,
  type ApnsErrorScript,
  type ApnsErrorStatus,
  type ApnsGoawayScript,
  type ApnsScript,
} from './lib/apns/apns-script';
export type { ApnsSigningKey, ApnsVerificationKey } from './lib/apns/apns-signing-key';
export type { RecordedApnsRequest } from './lib/apns/recorded-apns-request';
export { FcmSimulator, type FcmSimulatorOptions } from './lib/fcm/fcm-simulator';
export {
  FCM_ERRORS,
  type FcmErrorCode,
  type FcmErrorScript,
  type FcmGoawayScript,
  type FcmScript,
} from './lib/fcm/fcm-script';
export type { FcmServiceAccountJson } from './lib/fcm/fcm-service-account';
export type { RecordedFcmRequest, RecordedTokenRequest } from './lib/fcm/recorded-fcm-request';
export {
  OpenIdSimulator,
  type DeviceUserClaims,
  type MintOptions,
  type OpenIdSimulatorOptions,
} from './lib/oidc/open-id-simulator';
export { Sandbox } from './lib/sandbox/sandbox';
export { sandboxEnvironment, type SandboxDescription, type SandboxFiles } from './lib/sandbox/sandbox-description';
export {
  startSandbox,
  SANDBOX_APNS_TOPIC,
  SANDBOX_FCM_PROJECT_ID,
  SANDBOX_GRAPH_TENANT_ID,
  type StartSandboxOptions,
} from './lib/sandbox/start-sandbox';
export { readSandboxDescription, sandboxBanner } from './lib/sandbox/sandbox-banner';
export { SandboxModule } from './lib/nest/sandbox.module';
export { SandboxMailModule } from './lib/mail/sandbox-mail.module';
export { GraphSimulator, type GraphSimulatorOptions, type GraphThrottle } from './lib/graph/graph-simulator';
export { GRAPH_CHANGE_NOTIFICATION_PUBLISHER_ID } from './lib/graph/validation-token.issuer';
export {
  createEncryptionCertificate,
  type EncryptionCertificate,
  type EncryptionCertificateOptions,
} from './lib/graph/encryption-certificate';
export type { EncryptedContent } from './lib/graph/rich-notification.encoder';
export type {
  GraphChangeType,
  GraphLifecycleEvent,
  GraphMailboxInfo,
  GraphMessage,
  GraphSubscription,
  MailInput,
  NotificationPost,
  RecordedGraphRequest,
  SubscriptionState,
  ValidationRequest,
} from './lib/graph/graph-records';
export { MAX_MESSAGE_SUBSCRIPTION_MINUTES } from './lib/graph/subscription-request.check';
export { MAX_RICH_SUBSCRIPTION_MINUTES } from './lib/graph/rich-subscription.check';
export { GraphTestWebhook, type WebhookHit } from './lib/graph/test-webhook';
