import { Module, type DynamicModule } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';

/** Local simulators of Exchange, Graph, APNs, FCM and an OpenID issuer; the simulators arrive with their issues. */
@Module({})
export class AppModule {
  static forRoot(_config: MailpushConfig): DynamicModule {
    return { module: AppModule };
  }
}
