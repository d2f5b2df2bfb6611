import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { GraphChangeNotified, GraphLifecycleNotified, RegistrationChanged } from '@mailpush/contracts';
import { GraphMailApi, MsGraphMailApi } from '@mailpush/graph-client';
import { loadEncryptionCertificate } from '@mailpush/graph-webhook';
import { MessagingModule } from '@mailpush/messaging';
import { DeltaCatchUp } from './catch-up/delta-catch-up';
import { GraphConnections } from './connections/graph-connections';
import { GraphWatchMetrics } from './graph-watch.metrics';
import { GraphWatchSettings } from './graph-watch.settings';
import { GRAPH_LIFECYCLE_GROUP, GraphLifecycleHandler } from './lifecycle/graph-lifecycle.handler';
import { GRAPH_PROCESSOR_GROUP, GraphChangeProcessor } from './processing/graph-change.processor';
import { SummaryReader } from './processing/summary.reader';
import { GraphMailboxStore } from './state/graph-mailbox.store';
import { GraphSubscriptionManager } from './subscriptions/graph-subscription.manager';
import { GRAPH_WATCH_GROUP, RegistrationChangedListener } from './subscriptions/registration-changed.listener';
import { SubscriptionEncryption } from './subscriptions/subscription-encryption';

export interface GraphWatchSetup {
  /**
   * Rich notifications: the certificate subscriptions are created with. Default: with
   * `GRAPH_RICH_NOTIFICATIONS=true`, the one in `GRAPH_ENCRYPTION_CERT_PATH` / `GRAPH_ENCRYPTION_KEY_PATH`.
   */
  readonly encryption?: Provider<SubscriptionEncryption>;
}

/** The environment's encryption certificate, read once. */
function environmentEncryption(config: MailpushConfig): Provider<SubscriptionEncryption> | undefined {
  const { richNotifications, encryptionCertPath, encryptionKeyPath } = config.graph;
  if (!richNotifications || encryptionCertPath === undefined || encryptionKeyPath === undefined) return undefined;
  return {
    provide: SubscriptionEncryption,
    useFactory: async (): Promise<SubscriptionEncryption> => {
      const { certificate, certificateId } = await loadEncryptionCertificate(encryptionCertPath, encryptionKeyPath);
      return { forSubscription: () => Promise.resolve({ certificate, certificateId }) };
    },
  };
}

/**
 * Exchange Online through Microsoft Graph, behind the webhook: the subscription manager of the shards this
 * instance owns (create, renew, reauthorize, recreate, delete, delta catch-up), the processor that turns
 * queued change notifications into `mail.changed`, and the lifecycle handler. Needs `FoundationModule` with
 * leases and `GRAPH_NOTIFICATION_URL`.
 */
@Module({})
export class GraphWatchModule {
  static forRoot(config: MailpushConfig, setup: GraphWatchSetup = {}): DynamicModule {
    const settings = GraphWatchSettings.fromConfig(config);
    const encryption = setup.encryption ?? environmentEncryption(config);
    return {
      module: GraphWatchModule,
      imports: [
        MessagingModule.forFeature({ group: GRAPH_PROCESSOR_GROUP, consumes: [GraphChangeNotified] }),
        MessagingModule.forFeature({ group: GRAPH_LIFECYCLE_GROUP, consumes: [GraphLifecycleNotified] }),
        MessagingModule.forFeature({ group: GRAPH_WATCH_GROUP, consumes: [RegistrationChanged] }),
      ],
      providers: [
        { provide: GraphWatchSettings, useValue: settings },
        { provide: GraphMailApi, useFactory: () => new MsGraphMailApi() },
        GraphConnections,
        GraphMailboxStore,
        GraphWatchMetrics,
        DeltaCatchUp,
        SummaryReader,
        GraphSubscriptionManager,
        GraphChangeProcessor,
        GraphLifecycleHandler,
        RegistrationChangedListener,
        ...(encryption === undefined ? [] : [encryption]),
      ],
      exports: [GraphSubscriptionManager],
    };
  }
}
