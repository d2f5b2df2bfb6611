import { processEnvironment } from '@mailpush/config';
import { runApp } from '@mailpush/runtime';
import type { Sandbox } from '@mailpush/simulators';
import { AppModule } from './app.module';
import { standaloneBanner } from './standalone.banner';
import { prepareStandalone, standaloneSpec } from './standalone.config';

const env = processEnvironment();

void runApp<Sandbox | undefined>({
  config: standaloneSpec(env),
  prepare: (config) => prepareStandalone(config, env),
  module: (config, sandbox) => AppModule.forRoot(config, sandbox),
  banner: standaloneBanner,
});
