import { randomBytes, randomUUID } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { loadConfig, type Environment } from '@mailpush/config';
import { FoundationModule } from '@mailpush/foundation';
import { clientStateContext, MailboxEntity, MailboxRepository } from '@mailpush/persistence';
import { startApp, type RunningApp } from '@mailpush/runtime';
import { SecretBox } from '@mailpush/secrets';
import { DataSource } from 'typeorm';
import { GraphWebhookModule, type GraphWebhookModuleSetup } from '../lib/graph-webhook.module';
import { GraphNotificationLog } from './graph-notification-log';

@Module({})
class WebhookTestRootModule {}

/** A subscription of a test mailbox, stored as the Graph watcher stores it. */
export interface TestSubscription {
  readonly mailboxId: string;
  readonly subscriptionId: string;
  readonly clientState: string;
}

/** The webhook as an app runs it (runtime, foundation, module), on a free port, with a consumer of what it publishes. */
export class WebhookTestApp {
  private constructor(
    readonly running: RunningApp,
    readonly log: GraphNotificationLog,
  ) {}

  static async start(env: Environment, setup: GraphWebhookModuleSetup = {}): Promise<WebhookTestApp> {
    const config = loadConfig(
      { app: 'graph-receiver' },
      { SECRETS_KEY: randomBytes(32).toString('base64'), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', ...env },
    );
    const running = await startApp(
      {
        config: { app: 'graph-receiver' },
        module: (c): DynamicModule => ({
          module: WebhookTestRootModule,
          imports: [FoundationModule.forRoot(c, { leases: false }), GraphWebhookModule.forRoot(c, setup)],
          providers: [GraphNotificationLog],
        }),
      },
      config,
    );
    return new WebhookTestApp(running, running.app.get(GraphNotificationLog));
  }

  get url(): string {
    return `${this.running.url}/notificationClient`;
  }

  /** A mailbox, and a subscription for it once `subscribe` is called. */
  async addMailbox(): Promise<string> {
    const id = randomUUID();
    await this.running.app.get(MailboxRepository).create({
      id,
      smtpAddress: `user-${id.slice(0, 8)}@contoso.com`,
      backend: 'graph',
      shardKey: id,
      shard: 0,
      status: 'watched',
    });
    return id;
  }

  /** Stores a subscription for the mailbox, its clientState sealed as the watcher seals it. */
  async subscribe(mailboxId: string, subscriptionId = randomUUID()): Promise<TestSubscription> {
    const clientState = randomBytes(24).toString('base64url');
    const sealed = this.running.app.get(SecretBox).seal(clientState, clientStateContext(mailboxId));
    await this.running.app
      .get(DataSource)
      .getRepository(MailboxEntity)
      .update({ id: mailboxId }, { subscriptionId, sealedClientState: sealed });
    return { mailboxId, subscriptionId, clientState };
  }

  async addSubscription(): Promise<TestSubscription> {
    return this.subscribe(await this.addMailbox());
  }

  stop(): Promise<void> {
    return this.running.stop();
  }
}
