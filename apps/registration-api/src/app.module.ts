import { Module, type DynamicModule } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { FoundationModule } from '@mailpush/foundation';
import { RegistrationModule } from '@mailpush/registration';

@Module({})
export class AppModule {
  static forRoot(config: MailpushConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [FoundationModule.forRoot(config, { leases: false }), RegistrationModule.forRoot(config)],
    };
  }
}
