import { Module, type DynamicModule } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { MessagingModule } from '@mailpush/messaging';
import { PersistenceModule } from '@mailpush/persistence';
import { SecretsModule } from '@mailpush/secrets';

@Module({})
export class AppModule {
  static forRoot(config: MailpushConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SecretsModule.forRoot(config),
        PersistenceModule.forRoot(config.database),
        MessagingModule.forRoot(config),
      ],
    };
  }
}
