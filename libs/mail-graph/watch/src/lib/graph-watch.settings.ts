import type { MailpushConfig } from '@mailpush/config';

/** What the Graph watch needs from the configuration, checked once when the module is built. */
export class GraphWatchSettings {
  private constructor(
    /** Where Graph posts change notifications (the External Notification URL). */
    readonly notificationUrl: string,
    /** Where Graph posts lifecycle notifications; the same URL by default. */
    readonly lifecycleNotificationUrl: string,
    readonly lifetimeMs: number,
    /** How often the owner looks for mailboxes whose subscription needs work. */
    readonly pollIntervalMs: number,
    /** A catch-up pushes unread mail received at most this long ago; older mail is not news any more. */
    readonly catchUpWindowMs: number,
    /** Mailboxes worked on at once per instance. */
    readonly concurrency: number,
    /** Extra CA certificates (PEM) for Graph and the authority, e.g. a local simulator's. */
    readonly caPath: string | undefined,
  ) {}

  static fromConfig(config: MailpushConfig): GraphWatchSettings {
    const { notificationUrl, lifecycleNotificationUrl, subscriptionLifetimeMinutes, caPath } = config.graph;
    if (notificationUrl === undefined) {
      throw new Error('GRAPH_NOTIFICATION_URL: is required to watch Exchange Online mailboxes');
    }
    return new GraphWatchSettings(
      notificationUrl,
      lifecycleNotificationUrl ?? notificationUrl,
      subscriptionLifetimeMinutes * 60_000,
      1000,
      24 * 3600_000,
      8,
      caPath,
    );
  }

  /**
   * How long before expiry a subscription is renewed: a quarter of its lifetime, at least 5 s and at most an
   * hour, so a renewal that fails has several chances before Graph deletes the subscription.
   */
  get renewAheadMs(): number {
    return Math.min(Math.max(this.lifetimeMs / 4, 5000), 3600_000);
  }
}
