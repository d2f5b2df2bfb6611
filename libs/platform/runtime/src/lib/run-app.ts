import type { IncomingMessage } from 'node:http';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig, processEnvironment, type AppConfigSpec, type MailpushConfig } from '@mailpush/config';
import { currentTelemetry, startTelemetry } from '@mailpush/telemetry';
import { RuntimeModule } from './runtime.module';

/** What `prepare` hands on: the configuration the app runs with, and whatever it started for the module. */
export interface Prepared<C> {
  readonly config: MailpushConfig;
  readonly context: C;
}

export interface AppDefinition<C = undefined> {
  readonly config: AppConfigSpec;
  /**
   * Runs once the configuration is valid and before the app is built: starts what the app embeds (the
   * standalone server's simulators) and may return a configuration pointed at it. Its context reaches `module`.
   */
  readonly prepare?: (config: MailpushConfig) => Promise<Prepared<C>>;
  /** The app's root module, given its validated configuration (and what `prepare` started). */
  readonly module: (config: MailpushConfig, context: C) => DynamicModule;
  /** Lines printed for a person at a terminal once the app listens (what to do next). */
  readonly banner?: (config: MailpushConfig, url: string) => readonly string[];
}

export interface RunningApp {
  readonly app: INestApplication;
  readonly config: MailpushConfig;
  readonly url: string;
  /** Stops accepting, drains in-flight work, closes connections; bounded by `SHUTDOWN_TIMEOUT_MS`. */
  stop(signal?: string): Promise<void>;
}

/**
 * Paths whose handlers read their request bodies themselves, with their own limits and answers: the Graph
 * webhook (**contract** path; it reads up to `GRAPH_WEBHOOK_BODY_LIMIT_BYTES` and must never parse the body of
 * a validation handshake) and the EWS push listener (**contract** path; SOAP bodies). Compared in lower case
 * without trailing slashes, as Express routes them.
 */
const SELF_READ_BODY_PATHS: ReadonlySet<string> = new Set(['/notificationclient', '/ews/notifications']);

function readsOwnBody(request: IncomingMessage): boolean {
  const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
  return SELF_READ_BODY_PATHS.has(path.toLowerCase().replace(/\/+$/, ''));
}

/** Whether the app-wide parser of `mediaType` reads this request (body-parser checks that there is a body). */
function parsedAppWide(mediaType: string): (request: IncomingMessage) => boolean {
  return (request) =>
    !readsOwnBody(request) &&
    (request.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() === mediaType;
}

function rootModule<C>(definition: AppDefinition<C>, config: MailpushConfig, context: C): DynamicModule {
  @Module({})
  class AppRootModule {}
  return {
    module: AppRootModule as Type,
    imports: [RuntimeModule.forRoot(config), definition.module(config, context)],
  };
}

/** Builds and starts one app on its configuration. Throws `ConfigError` before anything starts if it is bad. */
export async function startApp<C>(definition: AppDefinition<C>, validated: MailpushConfig): Promise<RunningApp> {
  // Before Nest creates the HTTP server, so incoming and outgoing requests are traced. Process-wide: it
  // outlives this app and is flushed by runApp when the process ends.
  startTelemetry(validated);
  const { config, context } =
    definition.prepare === undefined
      ? { config: validated, context: undefined as C }
      : await definition.prepare(validated);
  const app = await NestFactory.create<NestExpressApplication>(rootModule(definition, config, context), {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
  });
  // Nest's own parsers (JSON and urlencoded, 100 kB), registered before any module's middleware as Nest would,
  // but leaving alone the paths that read their bodies themselves.
  app.useBodyParser('json', { type: parsedAppWide('application/json') });
  app.useBodyParser('urlencoded', { extended: true, type: parsedAppWide('application/x-www-form-urlencoded') });
  app.disable('x-powered-by');
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();
  await app.listen(config.app.port, config.app.host);
  const address = app.getHttpServer().address() as { port: number } | string | null;
  const port = typeof address === 'object' && address !== null ? address.port : config.app.port;
  const shownHost = config.app.host === '0.0.0.0' || config.app.host === '::' ? 'localhost' : config.app.host;
  const url = `http://${shownHost}:${port}`;
  logger.log(`${config.app.name} listening on ${url}`, 'Bootstrap');

  let stopping: Promise<void> | undefined;
  const stop = (signal?: string): Promise<void> => {
    stopping ??= (async () => {
      logger.log(`${signal ?? 'stop'} received: draining (at most ${config.app.shutdownTimeoutMs} ms)`, 'Shutdown');
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`shutdown took longer than ${config.app.shutdownTimeoutMs} ms`)),
          config.app.shutdownTimeoutMs,
        );
        timer.unref();
      });
      try {
        await Promise.race([app.close(), deadline]);
        logger.log('stopped cleanly', 'Shutdown');
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopping;
  };
  return { app, config, url, stop };
}

/**
 * The whole life of an app process: validate configuration (exit 1 naming every bad variable), start,
 * print the banner, and on SIGTERM or SIGINT shut down gracefully within the configured bound.
 */
export async function runApp<C>(definition: AppDefinition<C>): Promise<void> {
  let config: MailpushConfig;
  try {
    config = loadConfig(definition.config, processEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }

  let running: RunningApp;
  try {
    running = await startApp(definition, config);
  } catch (error) {
    process.stderr.write(
      `${definition.config.app} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }

  if (definition.banner !== undefined && process.stdout.isTTY) {
    process.stdout.write(`\n${definition.banner(running.config, running.url).join('\n')}\n\n`);
  }

  const onSignal = (signal: NodeJS.Signals): void => {
    running
      .stop(signal)
      // A second at most: an unreachable collector must not hold the exit past the shutdown bound.
      .then(() => flushTelemetry(1000))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(
            `${definition.config.app}: ${error instanceof Error ? error.message : String(error)}; exiting anyway\n`,
          );
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/** Sends buffered spans and metrics to the exporters, but never holds the exit for longer than `withinMs`. */
async function flushTelemetry(withinMs: number): Promise<void> {
  const telemetry = currentTelemetry();
  if (telemetry === undefined) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([telemetry.shutdown(), new Promise((resolve) => (timer = setTimeout(resolve, withinMs).unref()))]);
  clearTimeout(timer);
}
