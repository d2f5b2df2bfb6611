import type { IncomingMessage } from 'node:http';
import { Body, Injectable, Controller, Get, Module, Post, Req, type DynamicModule } from '@nestjs/common';
import { loadConfig, type Environment } from '@mailpush/config';
import { ReadinessCheck } from './readiness-check';
import { startApp, type RunningApp } from './run-app';

@Injectable()
class SwitchableCheck extends ReadinessCheck {
  readonly name = 'switchable';
  healthy = true;

  check(): Promise<void> {
    return this.healthy ? Promise.resolve() : Promise.reject(new Error('connection refused'));
  }
}

let releaseSlow: () => void = () => undefined;

@Controller('slow')
class SlowController {
  @Get()
  async slow(): Promise<{ done: true }> {
    await new Promise<void>((resolve) => (releaseSlow = resolve));
    return { done: true };
  }
}

@Controller()
class BodyController {
  @Post('parsed')
  parsed(@Body() body: unknown): { body: unknown } {
    return { body };
  }

  /** The webhook's path: its handler reads the body itself. */
  @Post('notificationClient')
  unread(@Req() request: IncomingMessage): { unread: boolean } {
    return { unread: !request.readableEnded };
  }
}

@Module({ controllers: [SlowController, BodyController], providers: [SwitchableCheck] })
class TestModule {}

const env: Environment = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SHUTDOWN_TIMEOUT_MS: '5000' };

describe(startApp.name, () => {
  let sut: RunningApp;
  afterEach(async () => {
    await sut.stop();
  });

  async function start(): Promise<RunningApp> {
    sut = await startApp(
      { config: { app: 'sandbox' }, module: (): DynamicModule => ({ module: TestModule }) },
      loadConfig({ app: 'sandbox' }, env),
    );
    return sut;
  }

  it('answers /health/live and /health/ready with the discovered readiness checks', async () => {
    const { url } = await start();

    const live = await fetch(`${url}/health/live`);
    const ready = await fetch(`${url}/health/ready`);

    expect(live.status).toBe(200);
    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toMatchObject({ status: 'ok', info: { switchable: { status: 'up' } } });
  });

  it('reports not ready, naming the dependency, when a check fails', async () => {
    const { url, app } = await start();
    app.get(SwitchableCheck).healthy = false;

    const ready = await fetch(`${url}/health/ready`);

    expect(ready.status).toBe(503);
    await expect(ready.json()).resolves.toMatchObject({
      status: 'error',
      error: { switchable: { status: 'down', message: 'connection refused' } },
    });
  });

  it('serves Prometheus metrics including HTTP timings by route template', async () => {
    const { url } = await start();
    await fetch(`${url}/health/live`);

    const metrics = await fetch(`${url}/metrics`);
    const body = await metrics.text();

    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(body).toContain(
      'mailpush_http_server_duration_seconds_count{app="sandbox",method="GET",route="/health/live",status="200"} 1',
    );
    expect(body).toContain('mailpush_process_cpu_seconds_total');
  });

  it('echoes a sane caller request id and generates one otherwise', async () => {
    const { url } = await start();

    const given = await fetch(`${url}/health/live`, { headers: { 'x-request-id': 'abc-123' } });
    const generated = await fetch(`${url}/health/live`, { headers: { 'x-request-id': 'bad id with spaces and $$$' } });

    expect(given.headers.get('x-request-id')).toBe('abc-123');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('parses JSON and form bodies app-wide, but leaves the body of the Graph webhook unread', async () => {
    const { url } = await start();
    const json = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":[1,"x"]}' };

    const parsed = await fetch(`${url}/parsed`, json);
    const form = await fetch(`${url}/parsed`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=x',
    });
    const webhook = await fetch(`${url}/notificationClient?tenant=t`, json);
    const otherCase = await fetch(`${url}/NotificationClient/`, json);

    await expect(parsed.json()).resolves.toEqual({ body: { a: [1, 'x'] } });
    await expect(form.json()).resolves.toEqual({ body: { a: '1', b: 'x' } });
    await expect(webhook.json()).resolves.toEqual({ unread: true });
    await expect(otherCase.json()).resolves.toEqual({ unread: true });
  });

  it('lets an in-flight request finish during shutdown, then refuses new connections', async () => {
    const { url } = await start();
    const inFlight = fetch(`${url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const stopped = sut.stop('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    releaseSlow();
    const response = await inFlight;
    await stopped;

    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ done: true });
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});
