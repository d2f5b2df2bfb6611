import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SandboxCertificateAuthority } from '@mailpush/simulators';
import type { EwsConnection } from '../ews-api.port';
import { UndiciEwsHttp } from '../http/undici-ews-http.adapter';
import { parseXml } from '../xml/xml.reader';
import { AutodiscoverError } from './autodiscover.port';
import { HttpAutodiscover } from './http-autodiscover.adapter';
import { SrvResolver, type SrvRecord } from './srv-resolver.port';

/** Never reached here: every lookup goes to a configured endpoint. */
class NoSrv extends SrvResolver {
  resolveSrv(): Promise<SrvRecord[]> {
    return Promise.resolve([]);
  }
}

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly host: string;
  readonly authorized: boolean;
  readonly contentType: string;
  readonly mailbox: string | undefined;
}

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const USER = 'CONTOSO\\svc-mailpush';
const PASSWORD = 'Pa55:wörd';
const EWS = 'https://mail.contoso.com/EWS/Exchange.asmx';

/**
 * A local HTTPS Autodiscover server with Basic auth: the SOAP endpoint answers an HTTP 302 to a second SOAP
 * endpoint, which answers `RedirectUrl` to the POX endpoint on another host name (127.0.0.1), which has settings.
 */
describe(`${HttpAutodiscover.name} over UndiciEwsHttp`, () => {
  let server: Server;
  let base: string;
  let port: number;
  let ca: SandboxCertificateAuthority;
  const seen: Seen[] = [];
  const http = new UndiciEwsHttp({ timeoutMs: 10_000 });

  beforeAll(async () => {
    ca = await SandboxCertificateAuthority.create();
    const { certPem, keyPem } = await ca.issue(['localhost', '127.0.0.1']);
    server = createServer({ cert: certPem, key: keyPem }, (request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`, 'utf8').toString('base64')}`;
        const authorized = request.headers.authorization === expected;
        const root = body === '' ? undefined : parseXml(body);
        seen.push({
          method: request.method ?? '',
          path: request.url ?? '',
          host: request.headers.host ?? '',
          authorized,
          contentType: request.headers['content-type'] ?? '',
          mailbox: (root?.descendants('Mailbox')[0] ?? root?.descendants('EMailAddress')[0])?.text,
        });
        if (!authorized) {
          response.writeHead(401, { 'www-authenticate': 'Basic realm="autodiscover"' }).end();
          return;
        }
        const xml = { 'content-type': 'text/xml; charset=utf-8' };
        switch (request.url ?? '') {
          case '/autodiscover/autodiscover.svc':
            response.writeHead(302, { location: '/site2/autodiscover/autodiscover.svc' }).end();
            return;
          case '/site2/autodiscover/autodiscover.svc':
            response
              .writeHead(200, xml)
              .end(
                fixture('get-user-settings.redirect-url.response.xml').replace(
                  'https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc',
                  `https://127.0.0.1:${port}/autodiscover/autodiscover.xml`,
                ),
              );
            return;
          case '/autodiscover/autodiscover.xml':
            response.writeHead(200, xml).end(fixture('pox.response.xml'));
            return;
          default:
            response.writeHead(404).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `https://localhost:${port}`;
  });

  afterAll(async () => {
    await http.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const connection = (password: string): EwsConnection => ({
    id: `conn-${password}`,
    auth: { kind: 'basic', username: USER, password },
    caPem: ca.caPem,
  });

  it('follows an HTTP 302 and a RedirectUrl to POX over verified TLS, signed in with Basic', async () => {
    const sut = new HttpAutodiscover(http, new NoSrv());

    const result = await sut.discover(connection(PASSWORD), 'Mara@Contoso.com', {
      autodiscoverUrl: `${base}/autodiscover/autodiscover.svc`,
    });

    expect(result).toEqual({
      smtpAddress: 'mara@contoso.com',
      ewsUrl: EWS,
      externalEwsUrl: EWS,
      internalEwsUrl: 'https://exch01.corp.contoso.com/EWS/Exchange.asmx',
      groupingInformation: 'CONTOSO-1',
      answeredBy: `https://127.0.0.1:${port}/autodiscover/autodiscover.xml`,
      protocol: 'pox',
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/autodiscover/autodiscover.svc',
        host: `localhost:${port}`,
        authorized: true,
        contentType: 'text/xml; charset=utf-8',
        mailbox: 'mara@contoso.com',
      },
      expect.objectContaining({ path: '/site2/autodiscover/autodiscover.svc', authorized: true }) as unknown,
      expect.objectContaining({
        path: '/autodiscover/autodiscover.xml',
        host: `127.0.0.1:${port}`,
        authorized: true,
        mailbox: 'mara@contoso.com',
      }) as unknown,
    ]);
  });

  it('fails with auth when the server refuses the credentials', async () => {
    const sut = new HttpAutodiscover(http, new NoSrv());

    let caught: unknown;
    try {
      await sut.discover(connection('wrong'), 'mara@contoso.com', {
        autodiscoverUrl: `${base}/autodiscover/autodiscover.svc`,
      });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(AutodiscoverError);
    expect(caught).toMatchObject({ kind: 'auth' });
    expect(seen).toHaveLength(1);
  });

  it('does not trust a certificate from an unknown CA', async () => {
    const sut = new HttpAutodiscover(http, new NoSrv());
    const untrusting: EwsConnection = { id: 'conn-no-ca', auth: { kind: 'basic', username: USER, password: PASSWORD } };

    let caught: unknown;
    try {
      await sut.discover(untrusting, 'mara@contoso.com', { autodiscoverUrl: `${base}/autodiscover/autodiscover.svc` });
    } catch (error) {
      caught = error;
    }

    expect(caught).toMatchObject({ kind: 'not-found' });
    expect(seen).toEqual([]);
  });
});
