import { runApp } from '@mailpush/runtime';
import { AppModule } from './app.module';

void runApp({
  config: {
    app: 'graph-receiver',
    required: [
      'DATABASE_URL',
      'SECRETS_KEY',
      'AMQP_URL',
      'REDIS_URL',
      'GRAPH_TENANT_ID',
      'GRAPH_CLIENT_ID',
      'GRAPH_NOTIFICATION_URL',
    ],
  },
  module: (config) => AppModule.forRoot(config),
});
