import { runApp } from '@mailpush/runtime';
import { AppModule } from './app.module';

void runApp({
  config: { app: 'sandbox' },
  module: (config) => AppModule.forRoot(config),
});
