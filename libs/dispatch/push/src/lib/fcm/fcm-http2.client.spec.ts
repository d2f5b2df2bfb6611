import { constants, createServer, type Http2Server, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { FcmHttp2Client, Http2ConnectionLostError, type Http2Response } from './fcm-http2.client';

/** A cleartext HTTP/2 server (prior knowledge) that holds every stream until the test says how to answer. */
class HeldStreamsServer {
  readonly held: ServerHttp2Stream[] = [];
  readonly sessions: ServerHttp2Session[] = [];
  private readonly server: Http2Server = createServer();
  private waiter: { count: number; resolve: () => void } | undefined;

  async start(): Promise<string> {
    this.server.on('session', (session) => {
      this.sessions.push(session);
      session.on('error', () => undefined);
    });
    this.server.on('stream', (stream) => {
      stream.on('error', () => undefined);
      stream.resume();
      stream.on('end', () => {
        this.held.push(stream);
        if (this.waiter && this.held.length >= this.waiter.count) this.waiter.resolve();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  waitForStreams(count: number): Promise<void> {
    if (this.held.length >= count) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = { count, resolve }));
  }

  answer(stream: ServerHttp2Stream, status = 200): void {
    if (stream.destroyed || stream.closed) return;
    stream.respond({ ':status': status, 'content-type': 'application/json' });
    stream.end(JSON.stringify({ path: stream.sentHeaders[':path'] ?? null }));
  }

  async stop(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe(FcmHttp2Client.name, () => {
  let server: HeldStreamsServer;
  let origin: string;
  let sut: FcmHttp2Client;

  beforeEach(async () => {
    server = new HeldStreamsServer();
    origin = await server.start();
    sut = new FcmHttp2Client({ origin, caPem: undefined, requestTimeoutMs: 5000, logger: new Logger('test') });
  });

  afterEach(async () => {
    await sut.close();
    await server.stop();
  });

  const post = (index: number): Promise<Http2Response | Http2ConnectionLostError> =>
    sut.post(`/send/${index}`, { 'content-type': 'application/json' }, '{}').catch((error: unknown) => {
      if (error instanceof Http2ConnectionLostError) return error;
      throw error;
    });

  it('multiplexes concurrent requests on one session', async () => {
    const pending = Array.from({ length: 20 }, (_, index) => post(index));
    await server.waitForStreams(20);
    for (const stream of server.held) server.answer(stream);

    const results = await Promise.all(pending);

    expect(results.map((result) => ('status' in result ? result.status : result.message))).toEqual(
      Array.from({ length: 20 }, () => 200),
    );
    expect(server.sessions).toHaveLength(1);
  });

  it('fails the streams a GOAWAY cuts off, answers the ones before it, and opens a new session', async () => {
    const pending = Array.from({ length: 20 }, (_, index) => post(index));
    await server.waitForStreams(20);
    const byId = [...server.held].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    const cut = at(byId, 10);
    const session = cut.session;
    if (!session) throw new Error('stream without a session');
    // Refuse before GOAWAY: the reverse order crashes Node 20's HTTP/2 server (heap corruption) when other
    // streams are still answered afterwards. No session.close(): its second GOAWAY would raise the last stream
    // id, a protocol error that fails the streams answered here; the client closes the connection instead.
    cut.close(constants.NGHTTP2_REFUSED_STREAM);
    session.goaway(constants.NGHTTP2_NO_ERROR, (cut.id ?? 1) - 2);
    for (const stream of byId.slice(0, 10)) server.answer(stream);

    const results = await Promise.all(pending);
    const answered = results.filter((result) => !(result instanceof Http2ConnectionLostError));
    const lost = results.filter((result) => result instanceof Http2ConnectionLostError);

    expect(answered).toHaveLength(10);
    expect(lost).toHaveLength(10);
    const next = post(99);
    await server.waitForStreams(21);
    server.answer(at(server.held, 20));
    await expect(next).resolves.toMatchObject({ status: 200 });
    expect(server.sessions).toHaveLength(2);
  });

  it('fails every request in flight when the connection drops, then reconnects', async () => {
    const pending = Array.from({ length: 5 }, (_, index) => post(index));
    await server.waitForStreams(5);

    at(server.sessions, 0).destroy();
    const results = await Promise.all(pending);

    expect(results.every((result) => result instanceof Http2ConnectionLostError)).toBe(true);
    const next = post(6);
    await server.waitForStreams(6);
    server.answer(at(server.held, 5));
    await expect(next).resolves.toMatchObject({ status: 200 });
  });

  it('fails a request that gets no answer in time', async () => {
    const impatient = new FcmHttp2Client({
      origin,
      caPem: undefined,
      requestTimeoutMs: 50,
      logger: new Logger('test'),
    });

    try {
      await expect(impatient.post('/send/slow', {}, '{}')).rejects.toThrow(
        new Http2ConnectionLostError('no response within 50 ms'),
      );
    } finally {
      await impatient.close();
    }
  });
});

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} (of ${items.length})`);
  return item;
}
