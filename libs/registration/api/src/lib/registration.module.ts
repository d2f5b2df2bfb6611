import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { MailpushConfig } from '@mailpush/config';
import { CallerAuthenticator } from './auth/caller-authenticator.service';
import { CallerGuard } from './auth/caller.guard';
import { MailboxBackendResolver } from './backend/mailbox-backend-resolver.port';
import { ConnectionDomainResolver } from './backend/connection-domain-resolver.adapter';
import { JsonBodyMiddleware } from './http/json-body.middleware';
import { OpenApiController } from './http/openapi.controller';
import { RegistrationProblemFilter } from './http/registration-problem.filter';
import { RegistrationsController } from './http/registrations.controller';
import { RegistrationMetrics } from './metrics/registration.metrics';
import { TokenBucketRateLimiter } from './rate-limit/token-bucket.rate-limiter';
import { RegistrationChangePublisher } from './registrations/registration-change.publisher';
import { RegistrationPurge } from './registrations/registration-purge.service';
import { RegistrationService } from './registrations/registration.service';
import { RegistrationTransactions } from './registrations/registration.transactions';
import { RegistrationSettings, type RegistrationModuleOptions } from './registration.settings';

export interface RegistrationModuleSetup extends RegistrationModuleOptions {
  /** Where new mailboxes live; default `ConnectionDomainResolver` (by the mail connections' domains). */
  readonly backendResolver?: Type<MailboxBackendResolver>;
}

/**
 * The device registration API under `/v1`. Needs the global `PersistenceModule` and `MessagingModule`
 * (both from `FoundationModule`). Refuses to be created, naming the variables, without `AUTH_JWKS_URL`,
 * `AUTH_ISSUER` and `AUTH_AUDIENCE` in `config.auth`.
 */
@Module({})
export class RegistrationModule implements NestModule {
  static forRoot(config: MailpushConfig, setup: RegistrationModuleSetup = {}): DynamicModule {
    const settings = RegistrationSettings.fromConfig(config, setup);
    return {
      module: RegistrationModule,
      controllers: [RegistrationsController, OpenApiController],
      providers: [
        { provide: RegistrationSettings, useValue: settings },
        { provide: TokenBucketRateLimiter, useValue: new TokenBucketRateLimiter(settings.rateLimitPerMinute) },
        { provide: MailboxBackendResolver, useClass: setup.backendResolver ?? ConnectionDomainResolver },
        { provide: APP_FILTER, useClass: RegistrationProblemFilter },
        RegistrationProblemFilter,
        RegistrationMetrics,
        CallerAuthenticator,
        CallerGuard,
        RegistrationTransactions,
        RegistrationChangePublisher,
        RegistrationService,
        RegistrationPurge,
        JsonBodyMiddleware,
      ],
      exports: [RegistrationService, RegistrationPurge],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodyMiddleware).forRoutes(RegistrationsController);
  }
}
