import { runApp } from '@mailpush/runtime';
import { AppModule } from './app.module';

void runApp({
  config: { app: 'graph-receiver', required: ['DATABASE_URL', 'SECRETS_KEY', 'AMQP_URL', 'REDIS_URL'] },
  module: (config) => AppModule.forRoot(config),
});
