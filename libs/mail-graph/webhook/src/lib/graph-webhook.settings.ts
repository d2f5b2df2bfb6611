import type { MailpushConfig } from '@mailpush/config';

/** Tuning of the webhook that does not come from the environment (tests, tools). */
export interface GraphWebhookModuleOptions {
  /**
   * Time from receiving a notification POST to answering it, publishing included. Graph wants an answer
   * within 3 s and counts one slower than 2.9 s as slow. Default 2.5 s.
   */
  readonly answerBudgetMs?: number;
  /** How long a subscription found in the database is trusted without asking again. Default 5 min. */
  readonly subscriptionCacheTtlMs?: number;
  /**
   * How long an unknown subscription id stays unknown without asking again. Short, because a subscription
   * is notified as soon as Graph created it, possibly before its id was stored. Default 2 s.
   */
  readonly unknownSubscriptionCacheTtlMs?: number;
  /** Subscriptions (known and unknown) kept in memory at most; the least recently used go first. Default 100,000. */
  readonly subscriptionCacheMaxEntries?: number;
  /** `Retry-After` of a 503. Default 5 s. */
  readonly retryAfterSeconds?: number;
}

/** The webhook's settings, from the configuration and the module's options. */
export class GraphWebhookSettings {
  constructor(
    /** Largest notification POST read (`GRAPH_WEBHOOK_BODY_LIMIT_BYTES`); larger ones get 413. */
    readonly bodyLimitBytes: number,
    readonly answerBudgetMs: number,
    readonly subscriptionCacheTtlMs: number,
    readonly unknownSubscriptionCacheTtlMs: number,
    readonly subscriptionCacheMaxEntries: number,
    readonly retryAfterSeconds: number,
  ) {}

  static fromConfig(config: MailpushConfig, options: GraphWebhookModuleOptions = {}): GraphWebhookSettings {
    return new GraphWebhookSettings(
      config.graph.webhookBodyLimitBytes,
      options.answerBudgetMs ?? 2_500,
      options.subscriptionCacheTtlMs ?? 5 * 60_000,
      options.unknownSubscriptionCacheTtlMs ?? 2_000,
      options.subscriptionCacheMaxEntries ?? 100_000,
      options.retryAfterSeconds ?? 5,
    );
  }
}
