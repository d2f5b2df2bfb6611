import { Module, type DynamicModule } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { DispatchModule } from '@mailpush/dispatch';
import { FoundationModule } from '@mailpush/foundation';

@Module({})
export class AppModule {
  static forRoot(config: MailpushConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [FoundationModule.forRoot(config, { leases: false }), DispatchModule.forRoot(config)],
    };
  }
}
