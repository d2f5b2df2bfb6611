import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { TcpProxy } from './tcp-proxy';

/** An echo server, standing for the real service behind the proxy; keeps its sockets. */
interface EchoServer {
  readonly server: Server;
  readonly sockets: Set<Socket>;
}

async function startEchoServer(): Promise<EchoServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, sockets };
}

async function open(proxy: TcpProxy): Promise<Socket> {
  const socket = connect(proxy.port, proxy.host);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

async function roundTrip(socket: Socket, text: string): Promise<string> {
  socket.write(text);
  const [data] = (await once(socket, 'data')) as [Buffer];
  return data.toString('utf8');
}

/** Resolves once the socket is closed, with whether it ended in an error (a reset) or not. */
function closing(socket: Socket): Promise<'reset' | 'closed'> {
  return new Promise((resolve) => socket.once('close', (hadError: boolean) => resolve(hadError ? 'reset' : 'closed')));
}

describe(TcpProxy.name, () => {
  let echo: EchoServer;
  let sut: TcpProxy;

  beforeEach(async () => {
    echo = await startEchoServer();
    sut = await TcpProxy.start({ host: '127.0.0.1', port: (echo.server.address() as AddressInfo).port });
  });

  afterEach(async () => {
    await sut.close();
    for (const socket of echo.sockets) socket.destroy();
    echo.server.close();
  });

  it('forwards both ways', async () => {
    const socket = await open(sut);

    await expect(roundTrip(socket, 'ping')).resolves.toBe('ping');
    expect(sut.connectionCount).toBe(1);
    socket.destroy();
  });

  it('resets open connections when paused, refuses new ones, and forwards again once resumed', async () => {
    const socket = await open(sut);
    await roundTrip(socket, 'ping');
    const cut = closing(socket);

    sut.pause();

    await expect(cut).resolves.toBe('reset');
    expect(sut.connectionCount).toBe(0);
    const refused = connect(sut.port, sut.host);
    refused.on('error', () => undefined);
    await expect(closing(refused)).resolves.toBe('reset');

    sut.resume();

    const again = await open(sut);
    await expect(roundTrip(again, 'pong')).resolves.toBe('pong');
    again.destroy();
  });

  it('closes the client side when the server side closes', async () => {
    const socket = await open(sut);
    await roundTrip(socket, 'ping');
    const closed = closing(socket);

    for (const serverSide of echo.sockets) serverSide.end();

    await expect(closed).resolves.toBe('closed');
    expect(sut.connectionCount).toBe(0);
  });
});
