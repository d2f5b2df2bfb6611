import { RecordLog } from '../support/record-log';
import type { NotificationPost } from './graph-records';
import type { TokenAudience } from './validation-token.issuer';
import { postToWebhook } from './webhook.client';

export interface DispatcherOptions {
  /** Graph's deadline for a 2xx; a slower answer counts as failed and is retried. */
  readonly timeoutMs: number;
  /** Delay before each retry; its length is the number of retries. */
  readonly retryDelaysMs: readonly number[];
  /** CA for https endpoints (else the system's roots). */
  readonly ca?: string;
  /** A collection is posted as soon as it holds this many items. */
  readonly maxItemsPerPost: number;
  /** Signs the `validationTokens` of a collection holding items with resource data (one per app and tenant). */
  readonly issueValidationTokens?: (audiences: readonly TokenAudience[]) => Promise<readonly string[]>;
}

type Kind = NotificationPost['kind'];

interface Batch {
  readonly kind: Kind;
  readonly url: string;
  readonly items: Record<string, unknown>[];
  /** The app and tenant of each item; once one item carries resource data, the tokens cover all of them. */
  readonly audiences: TokenAudience[];
  rich: boolean;
}

/**
 * Posts change and lifecycle notifications. Items queued in the same turn of the event loop that go to the
 * same URL travel in one collection, as Graph batches items of several subscriptions; a POST without a 2xx
 * is retried after each of `retryDelaysMs`. Every attempt is recorded with its status and response time.
 * A collection holding an item with resource data carries `validationTokens` for every app and tenant in it.
 */
export class NotificationDispatcher {
  readonly posts = new RecordLog<NotificationPost>();
  private pending = new Map<string, Batch>();
  private flushScheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: DispatcherOptions) {}

  /**
   * Queues one item. `audience` is the subscribing app and tenant; `rich` marks an item with resource data,
   * which makes its collection carry validation tokens.
   */
  enqueue(
    kind: Kind,
    url: string,
    item: Record<string, unknown>,
    audience?: TokenAudience & { readonly rich: boolean },
  ): void {
    if (this.closed) return;
    const key = `${kind} ${url}`;
    const batch = this.pending.get(key) ?? { kind, url, items: [], audiences: [], rich: false };
    batch.items.push(item);
    if (audience !== undefined) {
      batch.audiences.push({ applicationId: audience.applicationId, tenantId: audience.tenantId });
      batch.rich ||= audience.rich;
    }
    if (batch.items.length >= this.options.maxItemsPerPost) {
      this.pending.delete(key);
      this.start(batch);
      return;
    }
    this.pending.set(key, batch);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Resolves once everything queued so far has been delivered or has used up its retries. */
  async settled(): Promise<void> {
    while (this.flushScheduled || this.inFlight.size > 0) {
      if (this.flushScheduled) await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.all([...this.inFlight]);
    }
  }

  /** Stops retrying and forgets queued items. */
  close(): void {
    this.closed = true;
    this.pending.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private flush(): void {
    this.flushScheduled = false;
    const batches = [...this.pending.values()];
    this.pending = new Map();
    for (const batch of batches) this.start(batch);
  }

  private start(batch: Batch): void {
    const delivery = this.collection(batch)
      .then((body) => this.deliver(batch.kind, batch.url, body))
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  private async collection(batch: Batch): Promise<NotificationPost['body']> {
    if (!batch.rich || this.options.issueValidationTokens === undefined) return { value: batch.items };
    return { value: batch.items, validationTokens: await this.options.issueValidationTokens(batch.audiences) };
  }

  private async deliver(kind: Kind, url: string, body: NotificationPost['body']): Promise<void> {
    const json = JSON.stringify(body);
    for (let attempt = 1; attempt <= this.options.retryDelaysMs.length + 1 && !this.closed; attempt += 1) {
      const at = new Date();
      const response = await postToWebhook(url, json, 'application/json; charset=utf-8', this.options);
      this.posts.add({
        at,
        kind,
        url,
        attempt,
        body,
        status: response.status,
        responseTimeMs: response.responseTimeMs,
        ...(response.error === undefined ? {} : { error: response.error }),
      });
      if (response.status >= 200 && response.status < 300) return;
      const delay = this.options.retryDelaysMs[attempt - 1];
      if (delay === undefined) return;
      await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}
