import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { SandboxCertificateAuthority } from '@mailpush/simulators';
import { EwsError, type EwsConnection, type EwsTarget } from './ews-api.port';
import { EwsSoapApi } from './ews-soap-api.adapter';
import { UndiciEwsHttp } from './http/undici-ews-http.adapter';
import { MESSAGES_NS, SOAP_NS, TYPES_NS } from './xml/namespaces';

const STREAM = readFileSync(join(__dirname, 'soap/fixtures/get-streaming-events.stream.xml'), 'utf8');
const COOKIE = 'CO1PR06MB222.namprd06.prod.outlook.com~1941996295';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly socket: number;
  /** `type1`, `type3`, `basic`, `bearer`, or `none`. */
  readonly auth: string;
}

/** NTLM as a server sees it, per socket: Type 1 → 401 with Type 2 → Type 3 on the same socket signs it in. */
class NtlmServerState {
  private readonly ids = new WeakMap<Socket, number>();
  private readonly challenged = new WeakSet<Socket>();
  private readonly signedIn = new WeakSet<Socket>();
  private next = 0;
  type3Accounts: string[] = [];

  socketId(socket: Socket): number {
    let id = this.ids.get(socket);
    if (id === undefined) {
      id = ++this.next;
      this.ids.set(socket, id);
    }
    return id;
  }

  /** `undefined`: go on with the request; else the 401 to send. */
  check(request: IncomingMessage): { auth: string; challenge?: string; refuse?: boolean } {
    const socket = request.socket;
    const header = request.headers.authorization ?? '';
    const message = header.startsWith('NTLM ') ? Buffer.from(header.slice(5), 'base64') : undefined;
    if (message === undefined) return this.signedIn.has(socket) ? { auth: 'none' } : { auth: 'none', refuse: true };
    const type = message.readUInt32LE(8);
    if (message.toString('ascii', 0, 8) !== 'NTLMSSP\0') return { auth: 'bad', refuse: true };
    if (type === 1) {
      this.challenged.add(socket);
      return { auth: 'type1', challenge: type2Message() };
    }
    if (type === 3 && this.challenged.has(socket)) {
      const domain = ucs2Field(message, 28);
      const user = ucs2Field(message, 36);
      this.type3Accounts.push(`${domain}\\${user}`);
      if (user !== 'svc') return { auth: 'type3', refuse: true };
      this.signedIn.add(socket);
      return { auth: 'type3' };
    }
    return { auth: `type${type}`, refuse: true };
  }
}

function ucs2Field(message: Buffer, at: number): string {
  const length = message.readUInt16LE(at);
  const offset = message.readUInt32LE(at + 4);
  return message.toString('ucs2', offset, offset + length);
}

/** A Type 2 challenge: Unicode, NTLM, NTLM2 session key, target info with the domain CONTOSO. */
function type2Message(): string {
  const target = Buffer.from('CONTOSO', 'ucs2');
  const info = Buffer.concat([Buffer.from([2, 0, target.length, 0]), target, Buffer.from([0, 0, 0, 0])]);
  const header = Buffer.alloc(48);
  header.write('NTLMSSP\0', 0, 'ascii');
  header.writeUInt32LE(2, 8);
  header.writeUInt16LE(target.length, 12);
  header.writeUInt16LE(target.length, 14);
  header.writeUInt32LE(48, 16);
  header.writeUInt32LE(0x00000001 | 0x00000200 | 0x00080000 | 0x00800000, 20);
  Buffer.from('0123456789abcdef', 'hex').copy(header, 24);
  header.writeUInt16LE(info.length, 40);
  header.writeUInt16LE(info.length, 42);
  header.writeUInt32LE(48 + target.length, 44);
  return `NTLM ${Buffer.concat([header, target, info]).toString('base64')}`;
}

function envelope(body: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP_NS}" xmlns:m="${MESSAGES_NS}" xmlns:t="${TYPES_NS}"><s:Body>${body}</s:Body></s:Envelope>`;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe(EwsSoapApi.name, () => {
  let ca: SandboxCertificateAuthority;
  let server: Server;
  let base: string;
  const ntlm = new NtlmServerState();
  let seen: Seen[] = [];

  const ntlmConnection = (): EwsConnection => ({
    id: 'ntlm',
    auth: { kind: 'ntlm', username: 'CONTOSO\\svc', password: 'secret' },
    caPem: ca.caPem,
  });
  const target = (extra: Partial<EwsTarget> = {}): EwsTarget => ({
    ewsUrl: `${base}/EWS/Exchange.asmx`,
    impersonate: 'alfred@contoso.com',
    anchorMailbox: 'alfred@contoso.com',
    ...extra,
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of request) body += (chunk as Buffer).toString('utf8');
    const socket = ntlm.socketId(request.socket);
    const header = request.headers.authorization ?? '';
    let auth = 'none';
    if (request.url?.startsWith('/basic') === true) {
      auth = 'basic';
      seen.push({ method: request.method ?? '', url: request.url, headers: request.headers, body, socket, auth });
      const ok = header === `Basic ${Buffer.from('svc:pä ss', 'utf8').toString('base64')}`;
      response.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain' }).end(ok ? 'hello' : 'no');
      return;
    }
    if (request.url === '/open') {
      seen.push({ method: request.method ?? '', url: request.url, headers: request.headers, body, socket, auth });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('public');
      return;
    }
    const check = ntlm.check(request);
    auth = check.auth;
    seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body, socket, auth });
    if (check.challenge !== undefined || check.refuse === true) {
      response.writeHead(401, { 'www-authenticate': check.challenge ?? ['Negotiate', 'NTLM'], 'content-length': '0' });
      response.end();
      return;
    }
    await answerSoap(body, response);
  }

  async function answerSoap(body: string, response: ServerResponse): Promise<void> {
    const xml = { 'content-type': 'text/xml; charset=utf-8' };
    if (body.includes('<m:Subscribe>')) {
      response.writeHead(200, {
        ...xml,
        'set-cookie': [`X-BackEndOverrideCookie=${COOKIE}; path=/; secure; HttpOnly`, 'exchangecookie=abc; path=/'],
      });
      response.end(
        envelope(
          '<m:SubscribeResponse><m:ResponseMessages><m:SubscribeResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:SubscriptionId>sub-1</m:SubscriptionId></m:SubscribeResponseMessage></m:ResponseMessages></m:SubscribeResponse>',
        ),
      );
      return;
    }
    if (body.includes('<m:GetStreamingEvents>')) {
      response.writeHead(200, { ...xml, 'transfer-encoding': 'chunked' });
      if (body.includes('>refused<')) {
        response.end(
          envelope(
            '<m:GetStreamingEventsResponse><m:ResponseMessages><m:GetStreamingEventsResponseMessage ResponseClass="Error"><m:MessageText>Too many</m:MessageText><m:ResponseCode>ErrorExceededConnectionCount</m:ResponseCode><m:ConnectionStatus>Closed</m:ConnectionStatus></m:GetStreamingEventsResponseMessage></m:ResponseMessages></m:GetStreamingEventsResponse>',
          ),
        );
        return;
      }
      // Small pieces with pauses between: chunk boundaries fall inside tags and between envelopes.
      const bytes = Buffer.from(STREAM, 'utf8');
      for (let at = 0; at < bytes.length; at += 97) {
        response.write(bytes.subarray(at, at + 97));
        await delay(2);
      }
      response.end();
      return;
    }
    if (body.includes('<m:Unsubscribe>')) {
      response
        .writeHead(200, xml)
        .end(
          envelope(
            '<m:UnsubscribeResponse><m:ResponseMessages><m:UnsubscribeResponseMessage ResponseClass="Error"><m:ResponseCode>ErrorSubscriptionNotFound</m:ResponseCode></m:UnsubscribeResponseMessage></m:ResponseMessages></m:UnsubscribeResponse>',
          ),
        );
      return;
    }
    if (body.includes('<m:GetFolder>')) {
      response
        .writeHead(500, xml)
        .end(
          `<s:Envelope xmlns:s="${SOAP_NS}"><s:Body><s:Fault><faultcode xmlns:a="${TYPES_NS}">a:ErrorServerBusy</faultcode><faultstring>busy</faultstring><detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorServerBusy</e:ResponseCode><t:MessageXml xmlns:t="${TYPES_NS}"><t:Value Name="BackOffMilliseconds">1234</t:Value></t:MessageXml></detail></s:Fault></s:Body></s:Envelope>`,
        );
      return;
    }
    response.writeHead(400, xml).end('unexpected');
  }

  beforeAll(async () => {
    ca = await SandboxCertificateAuthority.create();
    const { certPem, keyPem } = await ca.issue(['localhost', '127.0.0.1']);
    server = createServer({ cert: certPem, key: keyPem }, (request, response) => {
      handle(request, response).catch((error: unknown) => response.destroy(error as Error));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://localhost:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen = [];
    ntlm.type3Accounts = [];
  });

  describe(UndiciEwsHttp.name, () => {
    let sut: UndiciEwsHttp;
    beforeEach(() => {
      sut = new UndiciEwsHttp();
    });
    afterEach(async () => {
      await sut.close();
    });

    it('signs in with Basic over https trusting the connection CA', async () => {
      const connection: EwsConnection = {
        id: 'basic',
        auth: { kind: 'basic', username: 'svc', password: 'pä ss' },
        caPem: ca.caPem,
      };

      const response = await sut.send(connection, { url: `${base}/basic`, method: 'GET' });

      expect(response).toMatchObject({ status: 200, body: 'hello' });
    });

    it('reports refused Basic credentials as auth', async () => {
      const connection: EwsConnection = {
        id: 'basic',
        auth: { kind: 'basic', username: 'svc', password: 'wrong' },
        caPem: ca.caPem,
      };

      await expect(sut.send(connection, { url: `${base}/basic`, method: 'GET' })).rejects.toMatchObject({
        kind: 'auth',
        details: { httpStatus: 401 },
      });
    });

    it('never sends credentials to a plain http URL, but sends an unauthenticated GET', async () => {
      await expect(sut.send(ntlmConnection(), { url: 'http://127.0.0.1:9/x' })).rejects.toMatchObject({
        kind: 'invalid-request',
      });
      const response = await sut.send(ntlmConnection(), { url: `${base}/open`, method: 'GET', authenticate: false });

      expect(response.body).toBe('public');
      expect(seen[0]?.headers.authorization).toBeUndefined();
    });

    it('refuses the server without the connection CA', async () => {
      const { caPem: _caPem, ...withoutCa } = ntlmConnection();

      await expect(sut.send({ ...withoutCa, id: 'no-ca' }, { url: `${base}/EWS/Exchange.asmx` })).rejects.toMatchObject(
        { kind: 'unavailable' },
      );
    });

    it('performs the NTLM handshake on one socket, then reuses the signed-in socket', async () => {
      const first = await sut.send(ntlmConnection(), { url: `${base}/EWS/Exchange.asmx`, body: '<x/>' });
      const second = await sut.send(ntlmConnection(), { url: `${base}/EWS/Exchange.asmx`, body: '<x/>' });

      expect([first.status, second.status]).toEqual([400, 400]);
      expect(seen.map((request) => request.auth)).toEqual(['type1', 'type3', 'none']);
      expect(new Set(seen.map((request) => request.socket)).size).toBe(1);
      expect(seen[1]?.body).toBe('<x/>');
      expect(ntlm.type3Accounts).toEqual(['CONTOSO\\svc']);
    });

    it('splits user@domain for NTLM', async () => {
      const connection: EwsConnection = {
        ...ntlmConnection(),
        id: 'upn',
        auth: { kind: 'ntlm', username: 'svc@contoso.local', password: 'x' },
      };

      await sut.send(connection, { url: `${base}/EWS/Exchange.asmx`, body: '' });

      expect(ntlm.type3Accounts).toEqual(['contoso.local\\svc']);
    });

    it('reports a 401 after Type 3 as auth', async () => {
      const connection: EwsConnection = {
        ...ntlmConnection(),
        id: 'bad-user',
        auth: { kind: 'ntlm', username: 'CONTOSO\\mallory', password: 'x' },
      };

      await expect(sut.send(connection, { url: `${base}/EWS/Exchange.asmx`, body: '' })).rejects.toThrow(
        expect.objectContaining({
          kind: 'auth',
          message: expect.stringContaining('CONTOSO\\mallory') as unknown,
        }) as Error,
      );
    });

    it('keeps concurrent NTLM calls within the pool and signs each socket in once', async () => {
      const http = new UndiciEwsHttp({ ntlmConnectionsPerOrigin: 2 });
      try {
        await Promise.all(
          Array.from({ length: 6 }, () => http.send(ntlmConnection(), { url: `${base}/EWS/Exchange.asmx`, body: '' })),
        );
      } finally {
        await http.close();
      }

      const sockets = new Set(seen.map((request) => request.socket));
      expect(sockets.size).toBeLessThanOrEqual(2);
      expect(seen.filter((request) => request.auth === 'type1')).toHaveLength(sockets.size);
    });
  });

  describe('over NTLM', () => {
    let sut: EwsSoapApi;
    beforeEach(() => {
      sut = new EwsSoapApi(new UndiciEwsHttp());
    });
    afterEach(async () => {
      await sut.close();
    });

    it('subscribes with the affinity headers and captures X-BackEndOverrideCookie', async () => {
      const subscribed = await sut.subscribeStreaming(ntlmConnection(), target({ affinity: {} }));

      expect(subscribed).toEqual({ subscriptionId: 'sub-1', backEndOverrideCookie: COOKIE });
      const call = seen.at(-1);
      expect(call?.headers).toMatchObject({
        'content-type': 'text/xml; charset=utf-8',
        accept: 'text/xml',
        'x-anchormailbox': 'alfred@contoso.com',
        'x-preferserveraffinity': 'true',
      });
      expect(call?.headers.cookie).toBeUndefined();
      expect(call?.body).toContain('<t:SmtpAddress>alfred@contoso.com</t:SmtpAddress>');
    });

    it('sends the group cookie and no affinity headers without affinity', async () => {
      await sut.subscribeStreaming(ntlmConnection(), target({ affinity: { backEndOverrideCookie: COOKIE } }));
      expect(seen.at(-1)?.headers.cookie).toBe(`X-BackEndOverrideCookie=${COOKIE}`);

      await sut.subscribeStreaming(ntlmConnection(), target());
      expect(seen.at(-1)?.headers['x-preferserveraffinity']).toBeUndefined();
      expect(seen.at(-1)?.headers.cookie).toBeUndefined();
    });

    it('streams GetStreamingEvents in pieces, one message per envelope, until Closed', async () => {
      const stream = await sut.getStreamingEvents(ntlmConnection(), target({ affinity: {} }), ['sub-1'], 1);
      const messages = [];
      for await (const message of stream) messages.push(message);

      expect(messages.map((message) => message.connectionStatus)).toEqual(['OK', undefined, 'Closed']);
      expect(messages[1]?.notifications[0]?.events.map((event) => event.type)).toEqual([
        'CreatedEvent',
        'NewMailEvent',
        'ModifiedEvent',
      ]);
      expect(seen.at(-1)?.body).toContain('<m:ConnectionTimeout>1</m:ConnectionTimeout>');
    });

    it('rejects the open when the first envelope refuses the connection', async () => {
      await expect(sut.getStreamingEvents(ntlmConnection(), target(), ['refused'], 30)).rejects.toMatchObject({
        kind: 'connection-limit',
        details: { responseCode: 'ErrorExceededConnectionCount' },
      });
    });

    it('ends a stream the caller closes', async () => {
      const stream = await sut.getStreamingEvents(ntlmConnection(), target(), ['sub-1'], 1);
      const received = [];
      for await (const message of stream) {
        received.push(message);
        stream.close();
      }

      expect(received).toHaveLength(1);
    });

    it('ignores an unknown subscription on Unsubscribe', async () => {
      await expect(sut.unsubscribe(ntlmConnection(), target(), 'gone')).resolves.toBeUndefined();
    });

    it('maps a 500 ErrorServerBusy fault with its back-off', async () => {
      const failure = sut.getInbox(ntlmConnection(), target());

      await expect(failure).rejects.toBeInstanceOf(EwsError);
      await expect(failure).rejects.toMatchObject({
        kind: 'server-busy',
        details: { backOffMs: 1234, httpStatus: 500 },
      });
    });
  });
});
