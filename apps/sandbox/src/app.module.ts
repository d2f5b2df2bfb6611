import { Module, type DynamicModule } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { SandboxModule, startSandbox } from '@mailpush/simulators';

/**
 * Local simulators that speak the real wire protocols (APNs, FCM and an OpenID issuer so far; Exchange and
 * Graph arrive with their issues), and their control API under `/sandbox`. They start while the app boots
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
            // There is no SANDBOX_OIDC_PORT yet: a free port, published in sandbox.json and the banner.
            oidcPort: config.sandbox.oidcPort,
            host: config.app.host,
          }),
        ),
      ],
    };
  }
}
