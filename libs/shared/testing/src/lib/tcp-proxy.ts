import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpProxyTarget {
  readonly host: string;
  readonly port: number;
}

interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
}

/**
 * A TCP proxy in front of a real server, for tests that need the network to fail without stopping a
 * service other suites are using (the machine's RabbitMQ, PostgreSQL, Redis). Point the client at
 * `host:port`; `pause()` cuts every connection (a reset, as a crashed peer or a broken network would) and
 * refuses new ones until `resume()`.
 */
export class TcpProxy {
  readonly host = '127.0.0.1';
  private readonly links = new Set<Link>();
  private paused = false;

  private constructor(
    private readonly server: Server,
    private readonly target: TcpProxyTarget,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  /** Listens on a free port of 127.0.0.1 (or on `listenPort`) and forwards every connection to `target`. */
  static async start(target: TcpProxyTarget, listenPort = 0): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, target);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Connections being forwarded now. */
  get connectionCount(): number {
    return this.links.size;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Resets every open connection, both sides, and refuses new ones (accepted, then reset at once). */
  pause(): void {
    this.paused = true;
    for (const link of this.links) this.cut(link);
  }

  /** Forwards new connections again (cut ones stay cut: their clients reconnect). */
  resume(): void {
    this.paused = false;
  }

  /** Cuts every connection and stops listening. */
  async close(): Promise<void> {
    this.pause();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.paused) {
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    const link: Link = { client, upstream };
    this.links.add(link);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // A failure on one side resets the other; a close on one side closes the other.
    client.on('error', () => this.cut(link));
    upstream.on('error', () => this.cut(link));
    client.once('close', () => this.drop(link));
    upstream.once('close', () => this.drop(link));
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private cut(link: Link): void {
    this.links.delete(link);
    reset(link.client);
    reset(link.upstream);
  }

  private drop(link: Link): void {
    this.links.delete(link);
    link.client.destroy();
    link.upstream.destroy();
  }
}

function reset(socket: Socket): void {
  if (socket.destroyed) return;
  // A socket still connecting cannot send a reset; destroying it is the same to the peer.
  if (socket.pending) socket.destroy();
  else socket.resetAndDestroy();
}
