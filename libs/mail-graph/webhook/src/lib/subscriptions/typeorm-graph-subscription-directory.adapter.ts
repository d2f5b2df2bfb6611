import { Inject, Injectable, Logger } from '@nestjs/common';
import { clientStateContext, MailboxEntity } from '@mailpush/persistence';
import { SecretBox } from '@mailpush/secrets';
import { DataSource, type Repository } from 'typeorm';
import { GraphWebhookSettings } from '../graph-webhook.settings';
import { ExpiringCache } from './expiring-cache';
import { GraphSubscriptionDirectory, type KnownSubscription } from './graph-subscription-directory.port';

/**
 * Subscriptions from the `mailbox` table (`subscription_id`, indexed; `sealed_client_state`, opened with the
 * `SecretBox`), kept in memory: a known one for `subscriptionCacheTtlMs`, an unknown one only for
 * `unknownSubscriptionCacheTtlMs` (a new subscription is notified right away, perhaps before its id was
 * stored). Concurrent lookups of one id share one query, so a burst for an id not cached yet costs one query
 * and one unseal.
 */
@Injectable()
export class TypeOrmGraphSubscriptionDirectory extends GraphSubscriptionDirectory {
  private readonly logger = new Logger('GraphWebhook');
  private readonly mailboxes: Repository<MailboxEntity>;
  private readonly cache: ExpiringCache<string, KnownSubscription | undefined>;
  private readonly loading = new Map<string, Promise<KnownSubscription | undefined>>();

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(SecretBox) private readonly secrets: SecretBox,
    @Inject(GraphWebhookSettings) private readonly settings: GraphWebhookSettings,
  ) {
    super();
    this.mailboxes = dataSource.getRepository(MailboxEntity);
    this.cache = new ExpiringCache(settings.subscriptionCacheMaxEntries);
  }

  find(subscriptionId: string): Promise<KnownSubscription | undefined> {
    const cached = this.cache.get(subscriptionId);
    if (cached !== undefined) return Promise.resolve(cached.value);
    let loading = this.loading.get(subscriptionId);
    if (loading === undefined) {
      loading = this.load(subscriptionId).finally(() => this.loading.delete(subscriptionId));
      this.loading.set(subscriptionId, loading);
    }
    return loading;
  }

  private async load(subscriptionId: string): Promise<KnownSubscription | undefined> {
    const row = await this.mailboxes.findOne({
      select: { id: true, sealedClientState: true },
      where: { subscriptionId },
    });
    const found = row === null ? undefined : this.unseal(subscriptionId, row);
    this.cache.set(
      subscriptionId,
      found,
      found === undefined ? this.settings.unknownSubscriptionCacheTtlMs : this.settings.subscriptionCacheTtlMs,
    );
    return found;
  }

  private unseal(
    subscriptionId: string,
    row: Pick<MailboxEntity, 'id' | 'sealedClientState'>,
  ): KnownSubscription | undefined {
    if (row.sealedClientState === null) {
      this.logger.error(`subscription ${subscriptionId} of mailbox ${row.id} has no stored clientState`);
      return undefined;
    }
    try {
      return { mailboxId: row.id, clientState: this.secrets.open(row.sealedClientState, clientStateContext(row.id)) };
    } catch (error) {
      this.logger.error(
        `the clientState of subscription ${subscriptionId} (mailbox ${row.id}) cannot be opened: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  }
}
