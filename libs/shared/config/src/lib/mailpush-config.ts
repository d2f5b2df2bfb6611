import type { DatabaseTarget } from './database-target';
import type { Secret } from './secret';

export const APP_NAMES = [
  'standalone',
  'registration-api',
  'ews-watcher',
  'graph-receiver',
  'dispatcher',
  'admin-api',
  'sandbox',
] as const;
export type AppName = (typeof APP_NAMES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The whole validated configuration of one process. Built once at boot by `loadConfig`. */
export interface MailpushConfig {
  readonly app: {
    readonly name: AppName;
    readonly host: string;
    readonly port: number;
    /** A second port that also serves `/metrics`, so scrapes need not reach the public listener. */
    readonly metricsPort: number | undefined;
    readonly shutdownTimeoutMs: number;
    readonly logLevel: LogLevel;
    readonly logPretty: boolean;
  };
  readonly database: {
    readonly url: Secret;
    readonly target: DatabaseTarget;
    /** `run` applies pending migrations at boot (under a lock); `check` refuses to start with pending ones. */
    readonly migrations: 'run' | 'check';
  };
  readonly secrets: {
    readonly key: Secret | undefined;
    /** Former keys, still accepted for decryption while stored values are re-encrypted. */
    readonly previousKeys: readonly Secret[];
    /** Where the standalone server keeps (and on first start generates) its key when `SECRETS_KEY` is unset. */
    readonly keyFile: string | undefined;
  };
  readonly amqp: {
    /** RabbitMQ; `undefined` means the in-process bus (standalone only). */
    readonly url: Secret | undefined;
    /** Unacknowledged deliveries per consumer. */
    readonly prefetch: number;
    /** Delay before each retry of a failed handler; after the last one the message is dead-lettered. */
    readonly retryDelaysMs: readonly number[];
  };
  readonly redis: { readonly url: Secret | undefined };
  readonly shards: {
    /** Virtual shards mailboxes are spread over; fixed for the life of a deployment. */
    readonly count: number;
    /** Stable id of this member, e.g. the pod name; a restart with the same id gets its shards back. */
    readonly memberId: string;
    readonly leaseTtlMs: number;
    readonly renewIntervalMs: number;
    /** Start of the Redis keys of the leases (then the app's name): deployments sharing one Redis differ here. */
    readonly keyPrefix: string;
  };
  readonly auth: {
    readonly jwksUrl: string | undefined;
    readonly issuer: string | undefined;
    readonly audience: string | undefined;
    readonly mailboxClaims: readonly string[];
  };
  readonly admin: { readonly token: Secret | undefined };
  readonly registration: {
    readonly ttlDays: number;
    /** Largest request body the registration API reads; larger ones get 413. */
    readonly bodyLimitBytes: number;
    /** Requests per minute one caller (mailbox) may make to the registration API. */
    readonly rateLimitPerMinute: number;
  };
  readonly dispatch: {
    /** A burst of changes to one mailbox within this window becomes one push per device. 0 turns it off. */
    readonly coalesceMs: number;
    /** How long a pushed change id is remembered, so a redelivery never pushes twice. */
    readonly dedupeTtlSeconds: number;
    /** Sends tried in-process per push (retryable errors, with backoff) before the message goes back to the bus. */
    readonly pushAttempts: number;
    /** Longest `Retry-After` waited in-process; longer waits go back to the bus's retry schedule. */
    readonly maxInlineRetryMs: number;
    /** How long a credential that failed authentication (APNs 403) stays unused. */
    readonly circuitOpenMs: number;
    /** delivery_log rows older than this are deleted. */
    readonly deliveryLogRetentionDays: number;
  };
  readonly graph: {
    readonly tenantId: string | undefined;
    readonly clientId: string | undefined;
    readonly clientSecret: Secret | undefined;
    readonly clientCertPath: string | undefined;
    /** The External Notification URL (`.../notificationClient`) Graph posts change notifications to. */
    readonly notificationUrl: string | undefined;
    /** Where lifecycle notifications go; the notification URL when unset. */
    readonly lifecycleNotificationUrl: string | undefined;
    readonly baseUrl: string;
    readonly authorityHost: string;
    /** Extra CA certificates (PEM file) trusted for Graph and the authority host (simulators, TLS proxies). */
    readonly caPath: string | undefined;
    /** Mail domains of the environment's Graph connection; `*` claims every domain no other connection lists. */
    readonly mailDomains: readonly string[];
    /** Lifetime asked for each subscription; Graph allows up to 10080 minutes (1440 with resource data). */
    readonly subscriptionLifetimeMinutes: number;
    /** Subscribe with `includeResourceData`, so notifications carry the summary encrypted. */
    readonly richNotifications: boolean;
    /** Certificate (PEM) Graph encrypts rich notifications for, and its private key (PEM). */
    readonly encryptionCertPath: string | undefined;
    readonly encryptionKeyPath: string | undefined;
    /** Largest notification POST the webhook reads; larger ones get 413. */
    readonly webhookBodyLimitBytes: number;
  };
  readonly ews: {
    readonly url: string | undefined;
    readonly autodiscoverUrl: string | undefined;
    readonly autodiscoverDomain: string | undefined;
    readonly auth: 'ntlm' | 'basic' | 'oauth';
    readonly username: string | undefined;
    readonly password: Secret | undefined;
    readonly mode: 'streaming' | 'push';
    readonly pushCallbackUrl: string | undefined;
    /** `EWS_AUTH=oauth`: the Entra tenant (`EWS_USERNAME` is the client id, `EWS_PASSWORD` its secret). */
    readonly tenantId: string | undefined;
    readonly authorityHost: string;
    /** Extra CA certificates (PEM) trusted for EWS and Autodiscover. */
    readonly caPath: string | undefined;
    /** Mail domains the EWS_* connection serves; `*` for every domain no other connection names. */
    readonly mailDomains: readonly string[];
    /** `ConnectionTimeout` of each `GetStreamingEvents` (1-30 minutes). */
    readonly connectionTimeoutMinutes: number;
    /** A stream with no envelope (event or keep-alive) for this long is torn down and re-established. */
    readonly streamSilenceSeconds: number;
    /** Push mode: `StatusFrequency` (1-1440 minutes); silence for twice this resubscribes. */
    readonly statusFrequencyMinutes: number;
  };
  readonly apns: {
    readonly keyPath: string | undefined;
    readonly keyId: string | undefined;
    readonly teamId: string | undefined;
    readonly topic: string | undefined;
    readonly environment: 'production' | 'sandbox';
    readonly host: string | undefined;
    readonly port: number | undefined;
    readonly caPath: string | undefined;
  };
  readonly fcm: {
    readonly serviceAccountPath: string | undefined;
    readonly projectId: string | undefined;
    readonly endpoint: string | undefined;
    readonly tokenUrl: string | undefined;
    readonly caPath: string | undefined;
  };
  readonly sandbox: {
    readonly enabled: boolean;
    /** Where the simulators keep their CA certificate, APNs key and FCM service account for other processes. */
    readonly dir: string;
    /** APNs simulator (HTTP/2 over TLS); 0 picks a free port. */
    readonly apnsPort: number;
    /** FCM simulator (HTTP v1 and OAuth token endpoint, HTTP/2 over TLS); 0 picks a free port. */
    readonly fcmPort: number;
    /** OpenID issuer simulator (plain HTTP); 0 picks a free port, which changes the issuer URL on every start. */
    readonly oidcPort: number;
    /** Microsoft Graph simulator and its token endpoint (https); 0 picks a free port. */
    readonly graphPort: number;
    /** Exchange simulator: EWS and Autodiscover (https); 0 picks a free port. */
    readonly exchangePort: number;
  };
  readonly telemetry: { readonly otlpEndpoint: string | undefined };
}
