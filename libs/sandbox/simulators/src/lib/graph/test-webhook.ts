import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a `GraphTestWebhook` received. */
export interface WebhookHit {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly contentType: string;
  readonly body: string;
}

/**
 * A subscriber's webhook for tests of Graph clients and of the simulator: answers the validation handshake
 * (echoes the token, or what `echo` returns) and notifications (202, or the next of `notificationStatus`), and
 * keeps what it received.
 */
export class GraphTestWebhook {
  readonly hits: WebhookHit[] = [];
  echo: (token: string) => string = (token) => token;
  notificationStatus: number[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<GraphTestWebhook> {
    const server = createServer();
    const webhook = new GraphTestWebhook(server);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => webhook.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return webhook;
  }

  /** `http://127.0.0.1:<port><path>`. */
  url(path = '/notificationClient'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** The bodies of the notification POSTs (not the handshakes). */
  get bodies(): string[] {
    return this.hits.filter((hit) => !hit.query.has('validationToken')).map((hit) => hit.body);
  }

  /** Forgets what was received and restores the default answers. */
  reset(): void {
    this.hits.length = 0;
    this.echo = (token) => token;
    this.notificationStatus = [];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://webhook');
      this.hits.push({
        path: url.pathname,
        query: url.searchParams,
        contentType: request.headers['content-type'] ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(this.echo(token));
        return;
      }
      response.writeHead(this.notificationStatus.shift() ?? 202);
      response.end();
    });
  }
}
