import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule, type MailpushConfig } from '@mailpush/config';
import { HealthController } from './health.controller';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { loggingOptions } from './logging.options';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics.registry';
import { MetricsServer } from './metrics.server';
import { ShutdownState } from './shutdown-state';

/**
 * What every mailpush process has: the validated configuration, JSON logs with request ids, `/health/live`,
 * `/health/ready` (built from the `ReadinessCheck` providers of the modules the app imports) and `/metrics`.
 */
@Module({})
export class RuntimeModule implements NestModule {
  static forRoot(config: MailpushConfig): DynamicModule {
    return {
      module: RuntimeModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggingOptions(config)),
        TerminusModule.forRoot({ logger: false }),
        DiscoveryModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [ShutdownState, MetricsRegistry, MetricsServer],
      exports: [ShutdownState, MetricsRegistry],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
