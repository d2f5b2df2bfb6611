import { Module, type DynamicModule } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { SandboxModule, startSandbox } from '@mailpush/simulators';

/**
 * Local simulators that speak the real wire protocols (APNs, FCM, an OpenID issuer and Microsoft Graph;
 * Exchange arrives with its issue), and their control API under `/sandbox`. They start while the app boots
 * and stop when it shuts down.
 */
@Module({})
export class AppModule {
  static forRoot(config: MailpushConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SandboxModule.forRootAsync(() =>
          startSandbox({
            dir: config.sandbox.dir,
            apnsPort: config.sandbox.apnsPort,
            fcmPort: config.sandbox.fcmPort,
            oidcPort: config.sandbox.oidcPort,
            graphPort: config.sandbox.graphPort,
            host: config.app.host,
          }),
        ),
      ],
    };
  }
}
