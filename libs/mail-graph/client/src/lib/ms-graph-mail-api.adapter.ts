import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger, type LoggerService } from '@nestjs/common';
import type { BackoffSettings } from '@mailpush/messaging';
import {
  GraphMailApi,
  GraphRequestError,
  type GraphConnection,
  type GraphDeltaPage,
  type GraphMessageSummary,
  type GraphSubscriptionView,
  type NewGraphSubscription,
} from './graph-mail-api.port';
import {
  MESSAGE_SUMMARY_SELECT,
  subscriptionBody,
  toDeltaPage,
  toMessageSummary,
  toSubscriptionView,
  userPath,
} from './graph-resource.mapper';
import { errorFromResponse, errorFromNetwork } from './http/graph-error.mapper';
import { GraphSession, type GraphCall, type GraphReply } from './http/graph.session';
import { finalError, retryDecision, type RetrySettings } from './http/retry.policy';
import { parseRetryAfter } from './http/retry-after';
import { KeyedSemaphore } from './support/keyed-semaphore';

export interface MsGraphMailApiOptions {
  /** Attempts of one request in all (throttling, 5xx, network errors). Default 3. */
  readonly maxAttempts?: number;
  /** The longest `Retry-After` waited out inline; a longer one throws `throttled` at once. Default 30 s. */
  readonly maxRetryAfterMs?: number;
  /** Backoff between attempts when Graph names no delay. Default 500 ms doubling to at most 8 s, with jitter. */
  readonly backoff?: BackoffSettings;
  /** Requests in flight per connection and mailbox (Outlook allows 4 per app and mailbox). Default 4. */
  readonly maxConcurrentPerMailbox?: number;
  /** Per request, token requests included. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** `Prefer: odata.maxpagesize` of message delta. Default 50. */
  readonly deltaPageSize?: number;
  readonly logger?: LoggerService;
}

/** Graph's limit of requests in one JSON batch. */
const MAX_BATCH_STEPS = 20;

/**
 * `GraphMailApi` over Microsoft Graph v1.0: tokens from MSAL (`ConfidentialClientApplication`, secret or
 * certificate) and requests through `@microsoft/microsoft-graph-client`, one session per connection (see
 * `GraphSession`). Retries, `Retry-After`, the 401 refresh and the per-mailbox limit are done here, the same way
 * for every call; `$batch` steps that were throttled are retried on their own.
 */
export class MsGraphMailApi extends GraphMailApi {
  private readonly sessions = new Map<string, GraphSession>();
  private readonly mailboxes: KeyedSemaphore;
  private readonly retry: RetrySettings;
  private readonly requestTimeoutMs: number;
  private readonly deltaPageSize: number;
  private readonly logger: LoggerService;

  constructor(options: MsGraphMailApiOptions = {}) {
    super();
    this.retry = {
      maxAttempts: positive('maxAttempts', options.maxAttempts ?? 3),
      maxRetryAfterMs: positive('maxRetryAfterMs', options.maxRetryAfterMs ?? 30_000),
      backoff: options.backoff ?? { initialDelayMs: 500, maxDelayMs: 8000 },
    };
    this.mailboxes = new KeyedSemaphore(options.maxConcurrentPerMailbox ?? 4);
    this.requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs ?? 30_000);
    this.deltaPageSize = positive('deltaPageSize', options.deltaPageSize ?? 50);
    this.logger = options.logger ?? new Logger(MsGraphMailApi.name);
  }

  async createSubscription(connection: GraphConnection, request: NewGraphSubscription): Promise<GraphSubscriptionView> {
    const body = subscriptionBody(request);
    const reply = await this.call(connection, request.user, { method: 'POST', path: '/subscriptions', body });
    return toSubscriptionView(reply.body);
  }

  async renewSubscription(
    connection: GraphConnection,
    subscriptionId: string,
    expirationDateTime: Date,
  ): Promise<GraphSubscriptionView> {
    const reply = await this.call(connection, undefined, {
      method: 'PATCH',
      path: subscriptionPath(subscriptionId),
      body: { expirationDateTime: expirationDateTime.toISOString() },
    });
    return toSubscriptionView(reply.body);
  }

  async reauthorizeSubscription(connection: GraphConnection, subscriptionId: string): Promise<void> {
    await this.call(connection, undefined, { method: 'POST', path: `${subscriptionPath(subscriptionId)}/reauthorize` });
  }

  async deleteSubscription(connection: GraphConnection, subscriptionId: string): Promise<void> {
    try {
      await this.call(connection, undefined, { method: 'DELETE', path: subscriptionPath(subscriptionId) });
    } catch (error) {
      if (!(error instanceof GraphRequestError && error.kind === 'not-found')) throw error;
    }
  }

  async getSubscription(
    connection: GraphConnection,
    subscriptionId: string,
  ): Promise<GraphSubscriptionView | undefined> {
    try {
      const reply = await this.call(connection, undefined, { method: 'GET', path: subscriptionPath(subscriptionId) });
      return toSubscriptionView(reply.body);
    } catch (error) {
      if (error instanceof GraphRequestError && error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  async getMessages(
    connection: GraphConnection,
    user: string,
    messageIds: readonly string[],
  ): Promise<ReadonlyMap<string, GraphMessageSummary | undefined>> {
    const ids = [...new Set(messageIds)];
    if (ids.some((id) => id === '')) throw invalid('messageIds: must not contain an empty id');
    const [only] = ids;
    if (ids.length === 0 || only === undefined) return new Map();
    if (ids.length === 1) return new Map([[only, await this.getMessage(connection, user, only)]]);
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += MAX_BATCH_STEPS)
      chunks.push(ids.slice(start, start + MAX_BATCH_STEPS));
    const found = await Promise.all(chunks.map((chunk) => this.batchMessages(connection, user, chunk)));
    const all = new Map(found.flatMap((map) => [...map]));
    return new Map(ids.map((id) => [id, all.get(id)]));
  }

  async getInboxUnreadCount(connection: GraphConnection, user: string): Promise<number> {
    const reply = await this.call(connection, user, {
      method: 'GET',
      path: `/${userPath(user)}/mailFolders('inbox')?$select=unreadItemCount`,
    });
    const count = (reply.body as { unreadItemCount?: unknown } | undefined)?.unreadItemCount;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      throw invalid('Graph answered an inbox without a whole unreadItemCount');
    }
    return count;
  }

  async deltaPage(
    connection: GraphConnection,
    user: string,
    link: string | undefined,
    options: { readonly receivedSince?: Date } = {},
  ): Promise<GraphDeltaPage> {
    // The only filter message delta takes; Graph keeps it in the round's tokens.
    const since = options.receivedSince;
    const filter =
      since === undefined ? '' : `&$filter=${encodeURIComponent(`receivedDateTime ge ${since.toISOString()}`)}`;
    const path =
      link === undefined
        ? `/${userPath(user)}/mailFolders('inbox')/messages/delta?$select=${MESSAGE_SUMMARY_SELECT}${filter}`
        : this.sameOriginLink(connection, link);
    const reply = await this.call(connection, user, {
      method: 'GET',
      path,
      headers: { Prefer: `odata.maxpagesize=${this.deltaPageSize}` },
    });
    return toDeltaPage(reply.body);
  }

  /** Closes every connection's HTTP connections (requests in flight finish first). */
  async close(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((session) => session.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  // ---- requests ----------------------------------------------------------------------------------------

  private async getMessage(
    connection: GraphConnection,
    user: string,
    messageId: string,
  ): Promise<GraphMessageSummary | undefined> {
    try {
      const reply = await this.call(connection, user, { method: 'GET', path: `/${messagePath(user, messageId)}` });
      return toMessageSummary(reply.body);
    } catch (error) {
      if (error instanceof GraphRequestError && error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  /**
   * Up to 20 messages in one `POST /$batch` (one request toward the mailbox's limit). Steps Graph throttled (or
   * failed with 5xx) are sent again in a new batch after the largest `Retry-After` among them, within the same
   * attempt limit; a missing message is `undefined`; any other failed step fails the call.
   */
  private async batchMessages(
    connection: GraphConnection,
    user: string,
    messageIds: readonly string[],
  ): Promise<Map<string, GraphMessageSummary | undefined>> {
    const result = new Map<string, GraphMessageSummary | undefined>();
    let pending = messageIds;
    for (let attempt = 1; ; attempt += 1) {
      const reply = await this.call(connection, user, {
        method: 'POST',
        path: '/$batch',
        body: {
          requests: pending.map((id, index) => ({
            id: String(index + 1),
            method: 'GET',
            url: `/${messagePath(user, id)}`,
          })),
        },
      });
      const steps = batchResponses(reply.body);
      const again: string[] = [];
      let worst: GraphRequestError | undefined;
      pending.forEach((id, index) => {
        const step = steps.get(String(index + 1));
        const request = `Graph GET /v1.0/${userPath(user)}/messages/${encodeURIComponent(id)} (in $batch)`;
        if (step === undefined) {
          again.push(id);
          worst ??= errorFromNetwork(request, new Error('$batch answered without this step'));
          return;
        }
        if (step.status >= 200 && step.status < 300) {
          result.set(id, toMessageSummary(step.body));
          return;
        }
        if (step.status === 404) {
          result.set(id, undefined);
          return;
        }
        const error = errorFromResponse(request, step.status, step.body, parseRetryAfter(step.retryAfter, new Date()));
        if (error.kind !== 'throttled' && error.kind !== 'unavailable') throw error;
        again.push(id);
        worst = worse(worst, error);
      });
      if (again.length === 0 || worst === undefined) return result;
      const decision = retryDecision(worst, attempt, this.retry);
      if (!decision.retry) throw finalError(worst, attempt);
      this.logger.warn(
        `${worst.message}: ${again.length} of ${pending.length} batch steps again in ${decision.delayMs} ms (attempt ${attempt + 1} of ${this.retry.maxAttempts})`,
      );
      await sleep(decision.delayMs);
      pending = again;
    }
  }

  /**
   * One Graph request with mailpush's rules: a token from the connection's source; a slot of the mailbox's
   * semaphore while on the wire (not while waiting to retry); 429 / 503 `Retry-After` waited out up to the
   * limit, 5xx and network errors backed off, both within `maxAttempts`; one fresh token after a 401.
   */
  private async call(connection: GraphConnection, user: string | undefined, call: GraphCall): Promise<GraphReply> {
    const session = this.session(connection);
    const request = `Graph ${call.method} ${describePath(call.path)}`;
    const slotKey = user === undefined ? undefined : `${connection.id}\n${user.toLowerCase()}`;
    let refused: string | undefined;
    let attempt = 1;
    for (;;) {
      let error: GraphRequestError;
      try {
        const token = await session.tokens.token(refused);
        const send = (): Promise<GraphReply> => session.send(call, token, request);
        const reply = await (slotKey === undefined ? send() : this.mailboxes.run(slotKey, send));
        if (reply.status >= 200 && reply.status < 300) return reply;
        error = errorFromResponse(
          request,
          reply.status,
          reply.body,
          parseRetryAfter(reply.headers.get('retry-after'), new Date()),
        );
        if (reply.status === 401 && refused === undefined) {
          // Revoked, or expired early: one more try with a token fetched past MSAL's cache.
          this.logger.log(`${error.message}; retrying once with a new token for connection ${connection.id}`);
          refused = token;
          continue;
        }
      } catch (caught) {
        error = caught instanceof GraphRequestError ? caught : errorFromNetwork(request, caught);
      }
      const decision = retryDecision(error, attempt, this.retry);
      if (!decision.retry) throw finalError(error, attempt);
      this.logger.warn(
        `${error.message}; attempt ${attempt + 1} of ${this.retry.maxAttempts} in ${decision.delayMs} ms`,
      );
      await sleep(decision.delayMs);
      attempt += 1;
    }
  }

  /** The connection's session, built on first use and again when the connection's settings change. */
  private session(connection: GraphConnection): GraphSession {
    const fingerprint = fingerprintOf(connection);
    const existing = this.sessions.get(connection.id);
    if (existing?.fingerprint === fingerprint) return existing;
    const session = new GraphSession(connection, fingerprint, { requestTimeoutMs: this.requestTimeoutMs });
    this.sessions.set(connection.id, session);
    if (existing !== undefined) {
      existing.close().catch((error: unknown) => {
        this.logger.warn(`closing the old Graph session of connection ${connection.id} failed: ${String(error)}`);
      });
    }
    return session;
  }

  /**
   * A nextLink or deltaLink is followed as Graph gave it, but only on the connection's own origin: our token goes
   * with it, and must never go anywhere else.
   */
  private sameOriginLink(connection: GraphConnection, link: string): string {
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      throw invalid('link: must be an absolute nextLink or deltaLink URL');
    }
    const origin = new URL(connection.baseUrl).origin;
    if (url.origin !== origin || url.username !== '' || url.password !== '') {
      throw invalid(`link: must be on the connection's Graph origin ${origin} (got ${url.origin})`);
    }
    // As given (trimmed, as URL reads it): re-serialising could re-encode the opaque state token.
    return link.trim();
  }
}

interface BatchStep {
  readonly status: number;
  readonly body: unknown;
  readonly retryAfter: string | undefined;
}

/** `{ responses: [{ id, status, headers, body }] }` by step id; header names in any case. */
function batchResponses(body: unknown): Map<string, BatchStep> {
  const responses = (body as { responses?: unknown } | undefined)?.responses;
  if (!Array.isArray(responses)) throw invalid('Graph answered $batch without a responses array');
  const steps = new Map<string, BatchStep>();
  for (const response of responses as { id?: unknown; status?: unknown; headers?: unknown; body?: unknown }[]) {
    if (typeof response.id !== 'string' || typeof response.status !== 'number') continue;
    const headers = typeof response.headers === 'object' && response.headers !== null ? response.headers : {};
    const retryAfter = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1] as unknown;
    steps.set(response.id, {
      status: response.status,
      body: response.body,
      retryAfter: typeof retryAfter === 'string' || typeof retryAfter === 'number' ? String(retryAfter) : undefined,
    });
  }
  return steps;
}

/** Throttling outweighs unavailability; among throttled steps the longest `Retry-After` wins. */
function worse(current: GraphRequestError | undefined, next: GraphRequestError): GraphRequestError {
  if (current === undefined) return next;
  if (current.kind !== next.kind) return current.kind === 'throttled' ? current : next;
  return (next.retryAfterMs ?? 0) > (current.retryAfterMs ?? 0) ? next : current;
}

function messagePath(user: string, messageId: string): string {
  return `${userPath(user)}/messages/${encodeURIComponent(messageId)}?$select=${MESSAGE_SUMMARY_SELECT}`;
}

function subscriptionPath(subscriptionId: string): string {
  if (subscriptionId.trim() === '') throw invalid('subscriptionId: must not be empty');
  return `/subscriptions/${encodeURIComponent(subscriptionId)}`;
}

/** Method and path for messages and logs, never the query: delta links carry their state tokens there. */
function describePath(path: string): string {
  if (/^https:\/\//i.test(path)) return new URL(path).pathname;
  return `/v1.0${path.split('?')[0] ?? ''}`;
}

function fingerprintOf(connection: GraphConnection): string {
  const { tenantId, clientId, credential, baseUrl, authorityHost, caPem } = connection;
  return createHash('sha256')
    .update(JSON.stringify([tenantId, clientId, credential, baseUrl, authorityHost, caPem ?? null]))
    .digest('hex');
}

function positive(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${field}: must be a positive whole number (got ${value})`);
  return value;
}

function invalid(message: string): GraphRequestError {
  return new GraphRequestError('invalid', message, undefined, undefined, undefined);
}
