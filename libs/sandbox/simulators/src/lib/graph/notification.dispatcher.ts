import { RecordLog } from '../support/record-log';
import type { NotificationPost } from './graph-records';
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
}

type Kind = NotificationPost['kind'];

/**
 * Posts change and lifecycle notifications. Items queued in the same turn of the event loop that go to the
 * same URL travel in one collection, as Graph batches items of several subscriptions; a POST without a 2xx
 * is retried after each of `retryDelaysMs`. Every attempt is recorded with its status and response time.
 */
export class NotificationDispatcher {
  readonly posts = new RecordLog<NotificationPost>();
  private pending = new Map<string, { kind: Kind; url: string; items: Record<string, unknown>[] }>();
  private flushScheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: DispatcherOptions) {}

  enqueue(kind: Kind, url: string, item: Record<string, unknown>): void {
    if (this.closed) return;
    const key = `${kind} ${url}`;
    const batch = this.pending.get(key) ?? { kind, url, items: [] };
    batch.items.push(item);
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

  private start(batch: { kind: Kind; url: string; items: Record<string, unknown>[] }): void {
    const delivery = this.deliver(batch.kind, batch.url, { value: batch.items }).finally(() =>
      this.inFlight.delete(delivery),
    );
    this.inFlight.add(delivery);
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
