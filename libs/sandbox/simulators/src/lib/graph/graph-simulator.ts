import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { closeServer, dialHost, listen, urlHost } from '../support/listen';
import { readBody } from '../support/read-body';
import { RecordLog } from '../support/record-log';
import { SandboxCertificateAuthority, SIMULATOR_SERVER_NAMES } from '../tls/sandbox-certificate-authority';
import { graphError, ok, selectProperties, type GraphAnswer } from './graph-answer';
import { GraphMailbox } from './graph-mailbox';
import type {
  GraphLifecycleEvent,
  GraphMailboxInfo,
  GraphMessage,
  GraphSubscription,
  MailInput,
  NotificationPost,
  RecordedGraphRequest,
  SubscriptionState,
  ValidationRequest,
} from './graph-records';
import {
  checkClientAssertion,
  JWT_BEARER_ASSERTION_TYPE,
  registerCertificate,
  type RegisteredCertificate,
} from './client-assertion.check';
import { NotificationDispatcher } from './notification.dispatcher';
import { encryptResourceData } from './rich-notification.encoder';
import type { ResourceDataEncryption } from './rich-subscription.check';
import { checkRenewal } from './subscription-renewal.check';
import { checkSubscriptionRequest } from './subscription-request.check';
import { openIdConfigurationV1, ValidationTokenIssuer } from './validation-token.issuer';
import { postToWebhook } from './webhook.client';

export interface GraphSimulatorOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Serve https with a certificate from this CA; plain http when omitted. */
  readonly ca?: SandboxCertificateAuthority;
  /** The tenant of mailboxes added without one; a new GUID when omitted. */
  readonly tenantId?: string;
  /** CA (PEM) that https webhooks' certificates chain to; the system's roots when omitted. */
  readonly webhookCaPem?: string;
  /** Accept plain-http notification URLs on any host (a compose network); default loopback only. */
  readonly allowHttpWebhooks?: boolean;
  /** Graph's 10 s handshake deadline. */
  readonly validationTimeoutMs?: number;
  /** Graph's 3 s deadline for a notification's 2xx. */
  readonly notificationTimeoutMs?: number;
  /** Delays before each retry of a failed notification POST; default 1 s, 5 s, 15 s. */
  readonly retryDelaysMs?: readonly number[];
  /** Most items in one notification POST; default 100 (1 posts every notification on its own). */
  readonly maxItemsPerPost?: number;
  /** A user asked about by UPN gets a mailbox at once, as in a tenant where everybody has one (the sandbox). */
  readonly autoCreateMailboxes?: boolean;
}

export interface GraphThrottle {
  readonly retryAfterSeconds: number;
  /** How many calls get 429; default 1. */
  readonly times?: number;
}

/** An app that may get tokens: with a client secret, or with a certificate (a signed `client_assertion`). */
export type GraphAppRegistration = { readonly tenantId: string; readonly clientId: string } & (
  | { readonly clientSecret: string; readonly certificatePem?: never }
  | { readonly certificatePem: string; readonly clientSecret?: never }
);

interface AppRegistration {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly certificate?: RegisteredCertificate;
}

/** Reads of one mailbox in progress, so that tests can see how many a client runs at once. */
interface ReadLoad {
  delayMs: number;
  inFlight: number;
  max: number;
}

interface AccessToken {
  readonly applicationId: string;
  readonly tenantId: string;
  expiresAt: number;
}

interface Subscription {
  view: Omit<GraphSubscription, 'expirationDateTime'>;
  expiration: Date;
  changeTypes: readonly string[];
  mailbox: GraphMailbox;
  tenantId: string;
  reauthorizationRequired: boolean;
  reauthorizedCount: number;
  /** Set for `includeResourceData`: each item carries the `$select`ed message, encrypted for this certificate. */
  resourceData: ResourceDataEncryption | null;
}

interface Call {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
  readonly token: AccessToken;
  readonly inBatch: boolean;
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_BATCH = 20;
const TOKEN_LIFETIME_SECONDS = 3599;
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
const DISCOVERY_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/;
/** The v1 discovery document and the signing keys of rich notifications' validation tokens. */
const V1_DISCOVERY_PATH = /^\/([^/]+)\/\.well-known\/openid-configuration$/;
const KEYS_PATH = /^\/[^/]+\/discovery(?:\/v2\.0)?\/keys$/;
const SUBSCRIPTION_PATH = /^\/v1\.0\/subscriptions(?:\/([^/]+))?(\/reauthorize)?$/i;
const INBOX = String.raw`mailfolders(?:\('inbox'\)|\/inbox)`;
const FOLDER_PATH = new RegExp(String.raw`^\/v1\.0\/users\/([^/]+)\/${INBOX}$`, 'i');
const DELTA_PATH = new RegExp(String.raw`^\/v1\.0\/users\/([^/]+)\/${INBOX}\/messages\/delta$`, 'i');
const MESSAGE_PATH = new RegExp(String.raw`^\/v1\.0\/users\/([^/]+)\/(?:${INBOX}\/)?messages\/([^/]+)$`, 'i');

/**
 * Microsoft Graph as a mail notifier meets it: the identity platform's client-credentials token endpoint,
 * `/v1.0/subscriptions` with the real validation handshake, change and lifecycle notifications posted to the
 * subscriber, message and inbox reads, message delta, `$batch` and per-mailbox 429s. Mail is delivered with a
 * control method. Everything lives in memory; for tests and the sandbox only.
 */
export class GraphSimulator {
  private readonly apps = new Map<string, AppRegistration>();
  private readonly readLoads = new Map<GraphMailbox, ReadLoad>();
  private readonly tokens = new Map<string, AccessToken>();
  private readonly mailboxes = new Map<string, GraphMailbox>();
  private readonly subs = new Map<string, Subscription>();
  private readonly drops = new Map<GraphMailbox, number>();
  private readonly throttles = new Map<GraphMailbox, { retryAfterSeconds: number; remaining: number }>();
  private readonly calls = new RecordLog<RecordedGraphRequest>();
  private readonly validations = new RecordLog<ValidationRequest>();
  private readonly dispatcher: NotificationDispatcher;
  private readonly validationTokens = new ValidationTokenIssuer();
  private droppedCount = 0;
  /** `http(s)://host:port`: the authority host (`{url}/{tenant}/oauth2/v2.0/token`) and Graph's host. */
  readonly url: string;
  /** `url + '/v1.0'`, GRAPH_BASE_URL. */
  readonly graphBaseUrl: string;

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    readonly tenantId: string,
    /** The CA certificate clients trust when the simulator serves https. */
    readonly caPem: string | undefined,
    private readonly options: GraphSimulatorOptions,
  ) {
    this.url = `${caPem === undefined ? 'http' : 'https'}://${urlHost(host)}:${port}`;
    this.graphBaseUrl = `${this.url}/v1.0`;
    this.dispatcher = new NotificationDispatcher({
      timeoutMs: options.notificationTimeoutMs ?? 3000,
      retryDelaysMs: options.retryDelaysMs ?? [1000, 5000, 15_000],
      maxItemsPerPost: options.maxItemsPerPost ?? 100,
      ...(options.webhookCaPem === undefined ? {} : { ca: options.webhookCaPem }),
      issueValidationTokens: (audiences) => this.validationTokens.issue(audiences),
    });
  }

  static async start(options: GraphSimulatorOptions = {}): Promise<GraphSimulator> {
    const maxItems = options.maxItemsPerPost ?? 100;
    if (!Number.isInteger(maxItems) || maxItems < 1) {
      throw new Error(`maxItemsPerPost: must be a positive whole number (got ${maxItems})`);
    }
    const host = options.host ?? '127.0.0.1';
    let server: Server;
    let caPem: string | undefined;
    if (options.ca === undefined) {
      server = createServer();
    } else {
      const { certPem, keyPem } = await options.ca.issue([
        ...SIMULATOR_SERVER_NAMES,
        'graph.microsoft.com',
        'login.microsoftonline.com',
        dialHost(host),
      ]);
      server = createHttpsServer({ cert: certPem, key: keyPem });
      caPem = options.ca.caPem;
    }
    const port = await listen(server, options.port ?? 0, host);
    const simulator = new GraphSimulator(
      server,
      dialHost(host),
      port,
      options.tenantId ?? randomUUID(),
      caPem,
      options,
    );
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      simulator.handle(request, response).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        write(response, graphError(500, 'generalException', message));
      });
    });
    return simulator;
  }

  // ---- control API -------------------------------------------------------------------------------------

  /** Lets this app get tokens (client credentials) with its secret or with assertions signed by its certificate. */
  registerApp(app: GraphAppRegistration): void {
    for (const field of ['tenantId', 'clientId'] as const) {
      if (typeof app[field] !== 'string' || app[field] === '') throw new Error(`${field}: must be a non-empty string`);
    }
    const { clientSecret, certificatePem } = app;
    if ((clientSecret === undefined) === (certificatePem === undefined)) {
      throw new Error('clientSecret, certificatePem: give exactly one');
    }
    if (clientSecret !== undefined && (typeof clientSecret !== 'string' || clientSecret === '')) {
      throw new Error('clientSecret: must be a non-empty string');
    }
    this.apps.set(`${app.tenantId.toLowerCase()}/${app.clientId.toLowerCase()}`, {
      tenantId: app.tenantId,
      clientId: app.clientId,
      ...(clientSecret === undefined ? {} : { clientSecret }),
      ...(certificatePem === undefined ? {} : { certificate: registerCertificate(certificatePem) }),
    });
  }

  /** Makes every token issued so far expired, so the next Graph call gets 401 and the client must refresh. */
  expireAccessTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  /** Adds a mailbox reachable by its UPN and its id (a new GUID); an existing one is returned unchanged. */
  addMailbox(userPrincipalName: string, id: string = randomUUID()): GraphMailboxInfo {
    if (!/^[^@\s]+@[^@\s]+$/.test(userPrincipalName)) {
      throw new Error(`userPrincipalName: must look like user@domain (got "${userPrincipalName}")`);
    }
    const existing = this.mailboxes.get(userPrincipalName.toLowerCase());
    if (existing !== undefined) return existing.info;
    const mailbox = new GraphMailbox({ id, userPrincipalName });
    this.mailboxes.set(userPrincipalName.toLowerCase(), mailbox);
    this.mailboxes.set(id.toLowerCase(), mailbox);
    return mailbox.info;
  }

  /** Stores a new unread message in the user's inbox and notifies every subscription watching `created`. */
  deliverMail(user: string, mail: MailInput): GraphMessage {
    if (typeof mail.subject !== 'string') throw new Error('subject: must be a string');
    if (typeof mail.from.address !== 'string' || mail.from.address === '') throw new Error('from.address: required');
    const mailbox = this.mailbox(user);
    const message = mailbox.deliver(mail, {
      name: mailbox.info.userPrincipalName,
      address: mailbox.info.userPrincipalName,
    });
    this.notify(mailbox, 'created', message);
    return message;
  }

  /** Marks a message read (an `updated` change, notified to subscriptions watching `updated`). */
  markRead(user: string, messageId: string): GraphMessage {
    const mailbox = this.mailbox(user);
    const result = mailbox.markRead(messageId);
    if (result === undefined) throw new Error(`messageId: no message ${messageId} in ${user}'s mailbox`);
    if (result.changed) this.notify(mailbox, 'updated', result.message);
    return result.message;
  }

  /** The next `count` change notifications for this mailbox are lost (as under throttling), making `missed` real. */
  dropNotifications(user: string, count: number): void {
    if (!Number.isInteger(count) || count < 1) throw new Error(`count: must be a positive whole number (got ${count})`);
    const mailbox = this.mailbox(user);
    this.drops.set(mailbox, (this.drops.get(mailbox) ?? 0) + count);
  }

  /** How many change notifications were dropped by `dropNotifications`. */
  droppedNotifications(): number {
    return this.droppedCount;
  }

  /** Posts a lifecycle notification to the subscription's lifecycle URL; `subscriptionRemoved` also deletes it. */
  emitLifecycle(subscriptionId: string, lifecycleEvent: GraphLifecycleEvent): void {
    const subscription = this.subs.get(subscriptionId);
    if (subscription === undefined) throw new Error(`subscriptionId: no subscription ${subscriptionId}`);
    const url = subscription.view.lifecycleNotificationUrl;
    if (url === null) throw new Error(`subscription ${subscriptionId} has no lifecycleNotificationUrl`);
    if (lifecycleEvent === 'reauthorizationRequired') subscription.reauthorizationRequired = true;
    if (lifecycleEvent === 'subscriptionRemoved') this.subs.delete(subscriptionId);
    this.dispatcher.enqueue('lifecycle', url, {
      subscriptionId,
      subscriptionExpirationDateTime: subscription.expiration.toISOString(),
      tenantId: subscription.tenantId,
      clientState: subscription.view.clientState,
      lifecycleEvent,
    });
  }

  /** Holds every read of this mailbox (each `$batch` step too) `delayMs` before answering, so reads overlap. */
  delayReads(user: string, delayMs: number): void {
    if (!Number.isInteger(delayMs) || delayMs < 0) {
      throw new Error(`delayMs: must be a whole number >= 0 (got ${delayMs})`);
    }
    this.readLoad(this.mailbox(user)).delayMs = delayMs;
  }

  /** The most reads of this mailbox that were in progress at once (see `delayReads`); 0 before the first. */
  maxConcurrentRequests(user: string): number {
    return this.readLoads.get(this.mailbox(user))?.max ?? 0;
  }

  /** The next `times` Graph calls about this mailbox answer 429 with `Retry-After`. */
  throttle(user: string, throttle: GraphThrottle): void {
    const times = throttle.times ?? 1;
    if (!Number.isInteger(throttle.retryAfterSeconds) || throttle.retryAfterSeconds < 0) {
      throw new Error(`retryAfterSeconds: must be a whole number >= 0 (got ${throttle.retryAfterSeconds})`);
    }
    if (!Number.isInteger(times) || times < 1) throw new Error(`times: must be a positive whole number (got ${times})`);
    this.throttles.set(this.mailbox(user), { retryAfterSeconds: throttle.retryAfterSeconds, remaining: times });
  }

  // ---- records -----------------------------------------------------------------------------------------

  requests(): readonly RecordedGraphRequest[] {
    return this.calls.all();
  }

  notificationPosts(): readonly NotificationPost[] {
    return this.dispatcher.posts.all();
  }

  waitForNotificationPosts(count: number, timeoutMs = 5000): Promise<readonly NotificationPost[]> {
    return this.dispatcher.posts.waitFor(count, timeoutMs, 'notification posts');
  }

  /** Resolves when every notification queued so far was delivered or ran out of retries. */
  notificationsSettled(): Promise<void> {
    return this.dispatcher.settled();
  }

  validationRequests(): readonly ValidationRequest[] {
    return this.validations.all();
  }

  subscriptions(): readonly SubscriptionState[] {
    this.removeExpired();
    return [...this.subs.values()].map((subscription) => ({
      ...this.view(subscription),
      mailboxId: subscription.mailbox.info.id,
      tenantId: subscription.tenantId,
      reauthorizationRequired: subscription.reauthorizationRequired,
      reauthorizedCount: subscription.reauthorizedCount,
    }));
  }

  /** Forgets subscriptions, records, drops and throttles; keeps apps, tokens and mailboxes. */
  /** Forgets what was recorded (requests, validations, notification posts), keeping mailboxes and subscriptions. */
  clearRecords(): void {
    this.calls.clear();
    this.validations.clear();
    this.dispatcher.posts.clear();
  }

  reset(): void {
    this.subs.clear();
    this.drops.clear();
    this.throttles.clear();
    // Reads in progress still end on their own record; only delays and peaks are forgotten.
    for (const load of this.readLoads.values()) Object.assign(load, { delayMs: 0, max: load.inFlight });
    this.calls.clear();
    this.validations.clear();
    this.dispatcher.posts.clear();
    this.droppedCount = 0;
  }

  async close(): Promise<void> {
    this.dispatcher.close();
    this.server.closeAllConnections();
    await closeServer(this.server);
  }

  // ---- HTTP --------------------------------------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', this.url);
    const body = await readBody(request, MAX_BODY_BYTES);
    let answer: GraphAnswer;
    let applicationId: string | undefined;
    if (body.size > MAX_BODY_BYTES) {
      answer = graphError(413, 'RequestEntityTooLarge', 'The request body is too large.');
    } else if (method === 'POST' && TOKEN_PATH.test(url.pathname)) {
      answer = await this.issueToken(url.pathname, body.bytes.toString('utf8'), request.headers.host);
    } else if (method === 'GET' && DISCOVERY_PATH.test(url.pathname)) {
      answer = ok(this.discovery(DISCOVERY_PATH.exec(url.pathname)?.[1] ?? 'common'));
    } else if (method === 'GET' && url.pathname === '/common/discovery/instance') {
      answer = ok(this.instanceDiscovery());
    } else if (method === 'GET' && V1_DISCOVERY_PATH.test(url.pathname)) {
      answer = ok(openIdConfigurationV1(this.url, V1_DISCOVERY_PATH.exec(url.pathname)?.[1] ?? 'common'));
    } else if (method === 'GET' && KEYS_PATH.test(url.pathname)) {
      answer = ok(await this.validationTokens.jwks());
    } else {
      const token = this.authenticate(request.headers.authorization);
      if ('status' in token) {
        answer = token;
      } else {
        applicationId = token.applicationId;
        const parsed = parseJson(body.bytes);
        answer = parsed.ok
          ? await this.dispatch({
              method,
              url,
              headers: flatHeaders(request),
              body: parsed.value,
              token,
              inBatch: false,
            })
          : graphError(400, 'BadRequest', 'Unable to read JSON request payload.');
      }
    }
    this.calls.add({
      at: new Date(),
      method,
      path: `${url.pathname}${url.search}`,
      status: answer.status,
      inBatch: false,
      ...(applicationId === undefined ? {} : { applicationId }),
    });
    write(response, answer);
  }

  private async issueToken(path: string, form: string, host: string | undefined): Promise<GraphAnswer> {
    const tenant = TOKEN_PATH.exec(path)?.[1]?.toLowerCase() ?? '';
    const fields = new URLSearchParams(form);
    const oauthError = (status: number, error: string, description: string): GraphAnswer => ({
      status,
      body: { error, error_description: description, error_codes: [], timestamp: new Date().toISOString() },
    });
    if (fields.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'grant_type: must be client_credentials.');
    }
    const app = this.apps.get(`${tenant}/${(fields.get('client_id') ?? '').toLowerCase()}`);
    if (app === undefined) {
      return oauthError(
        400,
        'unauthorized_client',
        `AADSTS700016: Application not found in the directory '${tenant}'.`,
      );
    }
    const refusal = await this.checkClientCredential(app, fields, path, host);
    if (refusal !== undefined) return oauthError(refusal.status, refusal.error, refusal.description);
    const scope = fields.get('scope') ?? '';
    if (!scope.split(' ').some((part) => part.endsWith('/.default'))) {
      return oauthError(400, 'invalid_scope', 'AADSTS1002012: scope must be https://graph.microsoft.com/.default.');
    }
    const accessToken = randomBytes(48).toString('base64url');
    this.tokens.set(accessToken, {
      applicationId: app.clientId,
      tenantId: app.tenantId,
      expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000,
    });
    return ok({
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: accessToken,
    });
  }

  /** A secret, or an assertion signed by the registered certificate (`aud` = this token endpoint); else why not. */
  private async checkClientCredential(
    app: AppRegistration,
    fields: URLSearchParams,
    path: string,
    host: string | undefined,
  ): Promise<{ status: number; error: string; description: string } | undefined> {
    const invalidClient = (description: string): { status: number; error: string; description: string } => ({
      status: 401,
      error: 'invalid_client',
      description,
    });
    const assertion = fields.get('client_assertion');
    const assertionType = fields.get('client_assertion_type');
    if (assertion !== null || assertionType !== null) {
      if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
        return {
          status: 400,
          error: 'invalid_request',
          description: `AADSTS50027: client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}.`,
        };
      }
      if (app.certificate === undefined) {
        return invalidClient(
          'AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.',
        );
      }
      const scheme = new URL(this.url).protocol;
      const audiences = [`${this.url}${path}`, ...(host === undefined ? [] : [`${scheme}//${host}${path}`])];
      const check = await checkClientAssertion(assertion ?? '', {
        clientId: app.clientId,
        audiences,
        certificate: app.certificate,
      });
      return check.ok ? undefined : invalidClient(check.description);
    }
    const secret = fields.get('client_secret');
    if (secret === null) {
      return invalidClient(
        "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
      );
    }
    if (app.clientSecret === undefined || !constantTimeEquals(secret, app.clientSecret)) {
      return invalidClient('AADSTS7000215: Invalid client secret provided.');
    }
    return undefined;
  }

  private discovery(tenant: string): Record<string, unknown> {
    const base = `${this.url}/${tenant}`;
    return {
      issuer: `${base}/v2.0`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
    };
  }

  /** What MSAL asks an authority before trusting it. */
  private instanceDiscovery(): Record<string, unknown> {
    const host = new URL(this.url).host;
    return {
      tenant_discovery_endpoint: `${this.url}/{tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    };
  }

  private authenticate(header: string | undefined): AccessToken | GraphAnswer {
    const challenge = { 'www-authenticate': 'Bearer realm=""' };
    const match = /^Bearer (.+)$/i.exec(header ?? '');
    if (match?.[1] === undefined)
      return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', challenge);
    const token = this.tokens.get(match[1]);
    if (token === undefined) {
      return graphError(
        401,
        'InvalidAuthenticationToken',
        'Access token validation failure. Invalid token.',
        challenge,
      );
    }
    if (token.expiresAt <= Date.now()) {
      return graphError(
        401,
        'InvalidAuthenticationToken',
        'Lifetime validation failed, the token is expired.',
        challenge,
      );
    }
    return token;
  }

  private async dispatch(call: Call): Promise<GraphAnswer> {
    const path = call.url.pathname;
    if (call.method === 'POST' && /^\/v1\.0\/\$batch$/i.test(path)) return this.batch(call);
    const subscription = SUBSCRIPTION_PATH.exec(path);
    if (subscription !== null) return this.subscriptionCall(call, subscription[1], subscription[2] !== undefined);
    const mailboxRoute = [FOLDER_PATH, DELTA_PATH, MESSAGE_PATH].find((pattern) => pattern.test(path));
    if (mailboxRoute === undefined) {
      return graphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').at(-1) ?? ''}'.`);
    }
    if (call.method !== 'GET') return graphError(405, 'Request_BadRequest', `${call.method} is not supported here.`);
    const match = mailboxRoute.exec(path);
    const mailbox = this.findMailbox(decodeURIComponent(match?.[1] ?? ''));
    if (mailbox === undefined) {
      return graphError(404, 'ErrorInvalidUser', `The requested user '${match?.[1] ?? ''}' is invalid.`);
    }
    await this.holdRead(mailbox);
    const throttled = this.takeThrottle(mailbox);
    if (throttled !== undefined) return throttled;
    if (mailboxRoute === FOLDER_PATH) return this.folder(mailbox, call.url);
    if (mailboxRoute === DELTA_PATH) return this.delta(mailbox, call);
    return this.readMessage(mailbox, decodeURIComponent(match?.[2] ?? ''), call.url);
  }

  private readLoad(mailbox: GraphMailbox): ReadLoad {
    let load = this.readLoads.get(mailbox);
    if (load === undefined) {
      load = { delayMs: 0, inFlight: 0, max: 0 };
      this.readLoads.set(mailbox, load);
    }
    return load;
  }

  /** Counts the read as in progress for the mailbox's `delayReads` delay. */
  private async holdRead(mailbox: GraphMailbox): Promise<void> {
    const load = this.readLoad(mailbox);
    load.inFlight += 1;
    load.max = Math.max(load.max, load.inFlight);
    try {
      if (load.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, load.delayMs));
    } finally {
      load.inFlight -= 1;
    }
  }

  private takeThrottle(mailbox: GraphMailbox): GraphAnswer | undefined {
    const throttle = this.throttles.get(mailbox);
    if (throttle === undefined) return undefined;
    throttle.remaining -= 1;
    if (throttle.remaining <= 0) this.throttles.delete(mailbox);
    return graphError(429, 'TooManyRequests', 'Please retry again later.', {
      'retry-after': String(throttle.retryAfterSeconds),
    });
  }

  private folder(mailbox: GraphMailbox, url: URL): GraphAnswer {
    const folder = {
      '@odata.context': `${this.graphBaseUrl}/$metadata#users('${mailbox.info.id}')/mailFolders/$entity`,
      id: mailbox.inboxId,
      displayName: 'Inbox',
      parentFolderId: `${mailbox.inboxId}-root`,
      childFolderCount: 0,
      ...mailbox.counts(),
      sizeInBytes: 0,
      isHidden: false,
    };
    return ok(selectProperties(folder, url.searchParams.get('$select')));
  }

  private readMessage(mailbox: GraphMailbox, messageId: string, url: URL): GraphAnswer {
    const message = mailbox.message(messageId);
    if (message === undefined) {
      return graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    }
    const context = `${this.graphBaseUrl}/$metadata#users('${mailbox.info.id}')/messages/$entity`;
    return ok({ '@odata.context': context, ...selectProperties(message, url.searchParams.get('$select')) });
  }

  /**
   * Message delta: a round without a token lists the inbox; `$skiptoken` pages on, `$deltatoken` starts a
   * round from where the previous one ended. Tokens carry the round's state (and `$select`), as Graph's do.
   */
  private delta(mailbox: GraphMailbox, call: Call): GraphAnswer {
    const pageSize = preferredPageSize(call.headers['prefer']);
    const skip = call.url.searchParams.get('$skiptoken');
    const resume = call.url.searchParams.get('$deltatoken');
    let state: DeltaState | undefined;
    if (skip !== null || resume !== null) {
      state = decodeDeltaState(skip ?? resume ?? '');
      if (state?.mailboxId !== mailbox.info.id) {
        return graphError(410, 'SyncStateNotFound', 'The sync state is invalid or has expired. Restart the sync.');
      }
      if (resume !== null) state = { ...state, since: state.until, until: mailbox.sequence, offset: 0 };
    } else {
      const filter = call.url.searchParams.get('$filter');
      const receivedFrom = filter === null ? undefined : receivedFilter(filter);
      if (receivedFrom === null) {
        return graphError(400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
      }
      state = {
        mailboxId: mailbox.info.id,
        since: 0,
        until: mailbox.sequence,
        offset: 0,
        select: call.url.searchParams.get('$select'),
        ...(receivedFrom === undefined ? {} : { receivedFrom }),
      };
    }
    const page = mailbox.deltaPage(state.since, state.until, state.offset, pageSize);
    const link = `${this.graphBaseUrl}/users/${mailbox.info.id}/mailFolders('inbox')/messages/delta`;
    const next =
      page.nextOffset === undefined
        ? { '@odata.deltaLink': `${link}?$deltatoken=${encodeDeltaState({ ...state, offset: 0 })}` }
        : { '@odata.nextLink': `${link}?$skiptoken=${encodeDeltaState({ ...state, offset: page.nextOffset })}` };
    return {
      status: 200,
      headers: { 'preference-applied': `odata.maxpagesize=${pageSize}` },
      body: {
        '@odata.context': `${this.graphBaseUrl}/$metadata#Collection(message)`,
        value: page.messages
          .filter((message) => Date.parse(message.receivedDateTime) >= (state.receivedFrom ?? 0))
          .map((message) => selectProperties(message, state.select)),
        ...next,
      },
    };
  }

  private async batch(call: Call): Promise<GraphAnswer> {
    const requests = (call.body as { requests?: unknown } | undefined)?.requests;
    if (!Array.isArray(requests))
      return graphError(400, 'BadRequest', 'Invalid batch payload format: requests must be an array.');
    if (requests.length === 0 || requests.length > MAX_BATCH) {
      return graphError(400, 'BadRequest', `Number of batch request steps exceeds the maximum of ${MAX_BATCH}.`);
    }
    const steps = requests as { id?: unknown; method?: unknown; url?: unknown; headers?: unknown }[];
    const ids = steps.map((step) => step.id);
    if (ids.some((id) => typeof id !== 'string' || id === '') || new Set(ids).size !== ids.length) {
      return graphError(400, 'BadRequest', 'Batch request steps need unique non-empty string ids.');
    }
    const responses = [];
    for (const step of steps) {
      const answer = await this.batchStep(call, step);
      this.calls.add({
        at: new Date(),
        method: typeof step.method === 'string' ? step.method : '',
        path: typeof step.url === 'string' ? step.url : '',
        status: answer.status,
        applicationId: call.token.applicationId,
        inBatch: true,
      });
      responses.push({
        id: step.id,
        status: answer.status,
        headers: { 'content-type': 'application/json', ...answer.headers },
        body: answer.body,
      });
    }
    return ok({ responses });
  }

  private async batchStep(
    call: Call,
    step: { method?: unknown; url?: unknown; headers?: unknown },
  ): Promise<GraphAnswer> {
    if (step.method !== 'GET') return graphError(400, 'BadRequest', 'method: the simulator executes GET steps only.');
    if (typeof step.url !== 'string' || /^https?:/i.test(step.url)) {
      return graphError(
        400,
        'BadRequest',
        'url: must be a URL relative to the version, like /users/{id}/messages/{id}.',
      );
    }
    const headers =
      typeof step.headers === 'object' && step.headers !== null ? (step.headers as Record<string, string>) : {};
    const lowered = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    const url = new URL(`/v1.0/${step.url.replace(/^\//, '')}`, this.url);
    return this.dispatch({ method: 'GET', url, headers: lowered, body: undefined, token: call.token, inBatch: true });
  }

  // ---- subscriptions -----------------------------------------------------------------------------------

  private async subscriptionCall(call: Call, id: string | undefined, reauthorize: boolean): Promise<GraphAnswer> {
    this.removeExpired();
    if (id === undefined) {
      if (call.method === 'POST') return this.createSubscription(call);
      if (call.method === 'GET') {
        const mine = [...this.subs.values()].filter((s) => s.view.applicationId === call.token.applicationId);
        return ok({
          '@odata.context': `${this.graphBaseUrl}/$metadata#subscriptions`,
          value: mine.map((s) => this.view(s)),
        });
      }
      return graphError(405, 'BadRequest', `${call.method} is not supported on /subscriptions.`);
    }
    const subscription = this.subs.get(id);
    if (subscription?.view.applicationId !== call.token.applicationId) {
      return graphError(404, 'ResourceNotFound', `The object was not found: subscription ${id}.`);
    }
    if (reauthorize) {
      if (call.method !== 'POST') return graphError(405, 'BadRequest', 'reauthorize takes POST.');
      subscription.reauthorizationRequired = false;
      subscription.reauthorizedCount += 1;
      return { status: 204 };
    }
    switch (call.method) {
      case 'GET':
        return ok(this.view(subscription));
      case 'DELETE':
        this.subs.delete(id);
        return { status: 204 };
      case 'PATCH':
        return this.renew(subscription, call.body);
      default:
        return graphError(405, 'BadRequest', `${call.method} is not supported on a subscription.`);
    }
  }

  private async createSubscription(call: Call): Promise<GraphAnswer> {
    const checked = checkSubscriptionRequest(
      call.body,
      { allowHttpAnywhere: this.options.allowHttpWebhooks ?? false },
      new Date(),
    );
    if (!checked.ok) return graphError(400, 'InvalidRequest', checked.message);
    const request = checked.value;
    const mailbox = this.findMailbox(request.user);
    if (mailbox === undefined)
      return graphError(404, 'ResourceNotFound', `The requested user '${request.user}' is invalid.`);
    for (const url of [request.notificationUrl, request.lifecycleNotificationUrl]) {
      if (url === null) continue;
      const failure = await this.validateEndpoint(url);
      if (failure !== undefined)
        return graphError(400, 'InvalidRequest', `Subscription validation request failed. ${failure}`);
    }
    const subscription: Subscription = {
      view: {
        id: randomUUID(),
        resource: request.resource,
        applicationId: call.token.applicationId,
        changeType: request.changeType,
        clientState: request.clientState,
        notificationUrl: request.notificationUrl,
        lifecycleNotificationUrl: request.lifecycleNotificationUrl,
        creatorId: randomUUID(),
        includeResourceData: request.resourceData !== null,
        latestSupportedTlsVersion: request.latestSupportedTlsVersion,
        encryptionCertificate: request.resourceData?.certificate ?? null,
        encryptionCertificateId: request.resourceData?.certificateId ?? null,
        notificationQueryOptions: null,
        notificationUrlAppId: null,
      },
      expiration: request.expirationDateTime,
      changeTypes: request.changeTypes,
      mailbox,
      tenantId: call.token.tenantId,
      reauthorizationRequired: false,
      reauthorizedCount: 0,
      resourceData: request.resourceData,
    };
    this.subs.set(subscription.view.id, subscription);
    return ok(
      { '@odata.context': `${this.graphBaseUrl}/$metadata#subscriptions/$entity`, ...this.view(subscription) },
      201,
    );
  }

  private renew(subscription: Subscription, body: unknown): GraphAnswer {
    const renewal = checkRenewal(body, subscription.resourceData, new Date());
    if (!renewal.ok) return graphError(400, 'InvalidRequest', renewal.message);
    const { expiration, resourceData } = renewal.value;
    if (expiration !== undefined) subscription.expiration = expiration;
    if (resourceData !== undefined) {
      subscription.resourceData = resourceData;
      subscription.view = {
        ...subscription.view,
        encryptionCertificate: resourceData.certificate,
        encryptionCertificateId: resourceData.certificateId,
      };
    }
    subscription.reauthorizationRequired = false;
    return ok(this.view(subscription));
  }

  /** The handshake: `POST url?validationToken=...`; answers why it failed, or `undefined` when it passed. */
  private async validateEndpoint(notificationUrl: string): Promise<string | undefined> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()} +%20 100% ünïcødé ✓ ${randomBytes(6).toString('base64')}`;
    const url = new URL(notificationUrl);
    const query = `${url.search === '' ? '?' : `${url.search}&`}validationToken=${encodeURIComponent(token)}`;
    const target = `${url.origin}${url.pathname}${query}`;
    const response = await postToWebhook(target, '', 'text/plain; charset=utf-8', {
      timeoutMs: this.options.validationTimeoutMs ?? 10_000,
      ...(this.options.webhookCaPem === undefined ? {} : { ca: this.options.webhookCaPem }),
    });
    let failure: string | undefined;
    if (response.status === 0)
      failure = `The notification endpoint could not be reached: ${response.error ?? 'no response'}.`;
    else if (response.status !== 200)
      failure = `Notification endpoint must respond with 200 OK to validation request (got ${response.status}).`;
    else if (!/^text\/plain\b/i.test(response.contentType)) failure = 'The response must have Content-Type text/plain.';
    else if (!response.body.equals(Buffer.from(token, 'utf8')))
      failure = 'Response must exactly match validationToken query parameter.';
    this.validations.add({
      at: new Date(),
      url: notificationUrl,
      token,
      status: response.status,
      ...(failure === undefined ? {} : { failure }),
    });
    return failure;
  }

  private notify(mailbox: GraphMailbox, changeType: 'created' | 'updated', message: GraphMessage): void {
    this.removeExpired();
    for (const subscription of this.subs.values()) {
      if (subscription.mailbox !== mailbox || !subscription.changeTypes.includes(changeType)) continue;
      const drops = this.drops.get(mailbox) ?? 0;
      if (drops > 0) {
        if (drops === 1) this.drops.delete(mailbox);
        else this.drops.set(mailbox, drops - 1);
        this.droppedCount += 1;
        continue;
      }
      const resource = `Users/${mailbox.info.id}/Messages/${message.id}`;
      const resourceData = {
        '@odata.type': '#Microsoft.Graph.Message',
        '@odata.id': resource,
        '@odata.etag': message['@odata.etag'],
        id: message.id,
      };
      const { resourceData: encryption } = subscription;
      this.dispatcher.enqueue(
        'change',
        subscription.view.notificationUrl,
        {
          subscriptionId: subscription.view.id,
          subscriptionExpirationDateTime: subscription.expiration.toISOString(),
          changeType,
          resource,
          resourceData,
          ...(encryption === null
            ? {}
            : {
                encryptedContent: encryptResourceData(
                  { ...resourceData, ...selectProperties(message, encryption.select) },
                  encryption,
                ),
              }),
          clientState: subscription.view.clientState,
          tenantId: subscription.tenantId,
        },
        { applicationId: subscription.view.applicationId, tenantId: subscription.tenantId, rich: encryption !== null },
      );
    }
  }

  /** Graph deletes a subscription that was not renewed in time. */
  private removeExpired(): void {
    const now = Date.now();
    for (const [id, subscription] of this.subs) if (subscription.expiration.getTime() <= now) this.subs.delete(id);
  }

  private view(subscription: Subscription): GraphSubscription {
    return { ...subscription.view, expirationDateTime: subscription.expiration.toISOString() };
  }

  private findMailbox(user: string): GraphMailbox | undefined {
    const found = this.mailboxes.get(user.toLowerCase());
    if (found !== undefined || this.options.autoCreateMailboxes !== true || !/^[^@\s]+@[^@\s]+$/.test(user)) {
      return found;
    }
    this.addMailbox(user);
    return this.mailboxes.get(user.toLowerCase());
  }

  private mailbox(user: string): GraphMailbox {
    const mailbox = this.findMailbox(user);
    if (mailbox === undefined) throw new Error(`user: no mailbox ${user} (addMailbox first)`);
    return mailbox;
  }
}

interface DeltaState {
  readonly mailboxId: string;
  readonly since: number;
  readonly until: number;
  readonly offset: number;
  readonly select: string | null;
  /** `$filter=receivedDateTime ge|gt {instant}` of the round's first request (ms; `gt` adds 1). */
  readonly receivedFrom?: number;
}

function encodeDeltaState(state: DeltaState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decodeDeltaState(token: string): DeltaState | undefined {
  try {
    const state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<DeltaState>;
    const numbers = [state.since, state.until, state.offset];
    if (typeof state.mailboxId !== 'string' || !numbers.every((n) => Number.isInteger(n) && (n ?? -1) >= 0))
      return undefined;
    return state as DeltaState;
  } catch {
    return undefined;
  }
}

/**
 * The only filter message delta supports: `receivedDateTime ge|gt {ISO instant}`; the instant in ms (`gt` one
 * more), or `null` for anything else.
 */
function receivedFilter(filter: string): number | null {
  const match = /^\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*$/i.exec(filter);
  const at = Date.parse(match?.[2] ?? '');
  if (match === null || Number.isNaN(at)) return null;
  return match[1]?.toLowerCase() === 'gt' ? at + 1 : at;
}

/** `Prefer: odata.maxpagesize=N`; Graph's default page of message delta is 10. */
function preferredPageSize(prefer: string | undefined): number {
  const match = /odata\.maxpagesize=(\d+)/i.exec(prefer ?? '');
  const size = Number(match?.[1] ?? 10);
  return size >= 1 ? Math.min(size, 1000) : 10;
}

function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  if (bytes.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

function flatHeaders(request: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
  );
}

function constantTimeEquals(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function write(response: ServerResponse, answer: GraphAnswer): void {
  if (response.headersSent) return;
  const headers: Record<string, string> = { 'request-id': randomUUID(), ...answer.headers };
  if (answer.body === undefined) {
    response.writeHead(answer.status, headers);
    response.end();
    return;
  }
  response.writeHead(answer.status, {
    ...headers,
    'content-type': 'application/json; odata.metadata=minimal; charset=utf-8',
  });
  response.end(JSON.stringify(answer.body));
}
