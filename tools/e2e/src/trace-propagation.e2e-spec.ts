import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { freePort, workspaceRoot } from './support/app-process';

interface OtlpSpan {
  readonly traceId: string;
  readonly name: string;
  readonly kind: number;
}
interface OtlpTraces {
  readonly resourceSpans: readonly { readonly scopeSpans: readonly { readonly spans: readonly OtlpSpan[] }[] }[];
}

/** OTLP/HTTP JSON span kinds. */
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

/** Receives what the app exports over OTLP/HTTP, as a collector would. */
async function otlpReceiver(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const traces = JSON.parse(body) as OtlpTraces;
        spans.push(...traces.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { server, url: `http://127.0.0.1:${address.port}`, spans };
}

describe('one trace from HTTP in, through the bus, to the outbound HTTP call', () => {
  it('exports the HTTP request, publish, consume and outbound call spans under one trace id', async () => {
    const receiver = await otlpReceiver();
    const port = await freePort();
    const app = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        resolve(__dirname, 'fixtures/traced-app.ts'),
      ],
      {
        cwd: workspaceRoot,
        env: {
          PATH: process.env['PATH'] ?? '',
          TS_NODE_PROJECT: resolve(__dirname, '../tsconfig.fixture.json'),
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'warn',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    app.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const child = { exited: false };
    const exit = once(app, 'exit').then(() => (child.exited = true));
    try {
      const deadline = Date.now() + 40_000;
      let answered = false;
      while (!answered && !child.exited && Date.now() < deadline) {
        answered = await fetch(`http://127.0.0.1:${port}/ping`, { method: 'POST' }).then(
          (r) => r.status === 201,
          () => false,
        );
        if (!answered) await new Promise((r) => setTimeout(r, 200));
      }
      expect({ answered, stderr }).toEqual({ answered: true, stderr: '' });
      while (!receiver.spans.some((s) => s.kind === CLIENT) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));

      const server = receiver.spans.find((s) => s.kind === SERVER && s.name.includes('POST'));
      const kinds = new Map(receiver.spans.filter((s) => s.traceId === server?.traceId).map((s) => [s.kind, s.name]));

      expect(server).toBeDefined();
      expect([...kinds.keys()].sort()).toEqual([SERVER, CLIENT, PRODUCER, CONSUMER]);
    } finally {
      app.kill('SIGTERM');
      await exit;
      receiver.server.close();
    }
  });
});
