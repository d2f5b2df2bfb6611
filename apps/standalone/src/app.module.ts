import { Module, type DynamicModule } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { DispatchModule } from '@mailpush/dispatch';
import { FoundationModule } from '@mailpush/foundation';
import { GraphWebhookModule } from '@mailpush/graph-webhook';
import { GraphWatchModule } from '@mailpush/graph-watch';
import { RegistrationModule } from '@mailpush/registration';
import { SandboxMailModule, SandboxModule, type Sandbox } from '@mailpush/simulators';

/**
 * Every mailpush service in one process on embedded infrastructure: registration, dispatch and, when a Graph
 * connection is configured, Exchange Online (the `/notificationClient` webhook and the subscriptions); EWS
 * comes with its issue. With `SANDBOX=true` the simulators run in the same process (Graph among them) and
 * their control API is served on the same port.
 */
@Module({})
export class AppModule {
  static forRoot(config: MailpushConfig, sandbox: Sandbox | undefined): DynamicModule {
    return {
      module: AppModule,
      imports: [
        FoundationModule.forRoot(config, { leases: true }),
        RegistrationModule.forRoot(config),
        DispatchModule.forRoot(config),
        ...(config.graph.clientId === undefined
          ? []
          : [GraphWebhookModule.forRoot(config), GraphWatchModule.forRoot(config)]),
        ...(sandbox === undefined ? [] : [SandboxModule.forRoot(sandbox), SandboxMailModule]),
      ],
    };
  }
}
