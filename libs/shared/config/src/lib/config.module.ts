import { Module, type DynamicModule } from '@nestjs/common';
import { MailpushConfig } from './mailpush-config';

/**
 * Makes the configuration validated at boot injectable. `MailpushConfig` is an interface, so this abstract
 * class is the injection token that carries its type.
 */
export abstract class AppConfig {
  abstract readonly value: MailpushConfig;
}

@Module({})
export class ConfigModule {
  static forRoot(config: MailpushConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: AppConfig, useValue: { value: config } satisfies AppConfig }],
      exports: [AppConfig],
    };
  }
}
