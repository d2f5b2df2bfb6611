import { runApp } from '@mailpush/runtime';
import { readSandboxDescription, sandboxBanner } from '@mailpush/simulators';
import { AppModule } from './app.module';

void runApp({
  config: { app: 'sandbox' },
  module: (config) => AppModule.forRoot(config),
  // The simulators have written sandbox.json by the time the app listens.
  banner: (config, url) => sandboxBanner(readSandboxDescription(config.sandbox.dir), url),
});
