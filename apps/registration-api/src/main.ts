import { runApp } from '@mailpush/runtime';
import { AppModule } from './app.module';

void runApp({
  config: { app: 'registration-api', required: ['DATABASE_URL', 'SECRETS_KEY', 'AMQP_URL'] },
  module: (config) => AppModule.forRoot(config),
});
