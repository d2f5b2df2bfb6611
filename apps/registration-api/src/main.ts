import { runApp } from '@mailpush/runtime';
import { AppModule } from './app.module';

void runApp({
  config: {
    app: 'registration-api',
    // Device tokens are verified against the identity provider: the API never runs unauthenticated.
    required: ['DATABASE_URL', 'SECRETS_KEY', 'AMQP_URL', 'AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'],
  },
  module: (config) => AppModule.forRoot(config),
});
