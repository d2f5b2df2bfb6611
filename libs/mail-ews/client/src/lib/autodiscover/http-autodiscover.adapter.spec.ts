import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EwsError, type EwsConnection } from '../ews-api.port';
import {
  EwsHttp,
  type EwsHttpRequest,
  type EwsHttpResponse,
  type EwsHttpStreamingResponse,
} from '../http/ews-http.port';
import { parseXml } from '../xml/xml.reader';
import { AutodiscoverError } from './autodiscover.port';
import { HttpAutodiscover } from './http-autodiscover.adapter';
import { isExchangeOnline } from './is-exchange-online';
import { SrvResolver, type SrvRecord } from './srv-resolver.port';

type Reply = EwsHttpResponse | Error | ((request: EwsHttpRequest) => EwsHttpResponse | Promise<EwsHttpResponse>);

/** A scripted `EwsHttp`: each (method, URL) has its reply; an unscripted URL fails as an unknown host does. */
class ScriptedEwsHttp extends EwsHttp {
  readonly requests: EwsHttpRequest[] = [];
  private readonly replies = new Map<string, Reply>();

  on(method: 'GET' | 'POST', url: string, reply: Reply): this {
    this.replies.set(`${method} ${url}`, reply);
    return this;
  }

  /** `METHOD url` of every request, in order. */
  get asked(): string[] {
    return this.requests.map((request) => `${request.method ?? 'POST'} ${request.url}`);
  }

  async send(_connection: EwsConnection, request: EwsHttpRequest): Promise<EwsHttpResponse> {
    this.requests.push(request);
    const reply = this.replies.get(`${request.method ?? 'POST'} ${request.url}`);
    if (reply === undefined) throw new Error(`getaddrinfo ENOTFOUND ${new URL(request.url).hostname}`);
    if (reply instanceof Error) throw reply;
    return typeof reply === 'function' ? await reply(request) : reply;
  }

  open(): Promise<EwsHttpStreamingResponse> {
    return Promise.reject(new Error('Autodiscover never streams'));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class FakeSrvResolver extends SrvResolver {
  readonly names: string[] = [];
  readonly records = new Map<string, SrvRecord[]>();
  failure: Error | undefined;

  resolveSrv(name: string): Promise<SrvRecord[]> {
    this.names.push(name);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return Promise.resolve(this.records.get(name) ?? []);
  }
}

class FakeClock {
  ms = 0;
  monotonic(): number {
    return this.ms;
  }
}

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const ok = (body: string): EwsHttpResponse => ({
  status: 200,
  headers: { 'content-type': ['text/xml; charset=utf-8'] },
  body,
});
const status = (code: number, location?: string): EwsHttpResponse => ({
  status: code,
  headers: location === undefined ? {} : { location: [location] },
  body: '',
});

const EWS = 'https://mail.contoso.com/EWS/Exchange.asmx';
const EXO_EWS = 'https://outlook.office365.com/EWS/Exchange.asmx';
const svc = (host: string): string => `https://${host}/autodiscover/autodiscover.svc`;
const xml = (host: string): string => `https://${host}/autodiscover/autodiscover.xml`;
const probe = (domain: string): string => `http://autodiscover.${domain}/autodiscover/autodiscover.xml`;

const soap = {
  settings: (ewsUrl = EWS, grouping = 'CONTOSO-1'): EwsHttpResponse =>
    ok(fixture('get-user-settings.response.xml').replace(EWS, ewsUrl).replace('CONTOSO-1', grouping)),
  redirectAddress: (target: string): EwsHttpResponse =>
    ok(fixture('get-user-settings.redirect-address.response.xml').replace('mara@contoso.mail.onmicrosoft.com', target)),
  redirectUrl: (target: string): EwsHttpResponse =>
    ok(
      fixture('get-user-settings.redirect-url.response.xml').replace(
        'https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc',
        target,
      ),
    ),
  invalidUser: (): EwsHttpResponse => ok(fixture('get-user-settings.invalid-user.response.xml')),
  invalidRequest: (): EwsHttpResponse =>
    ok(
      fixture('get-user-settings.response.xml').replace(
        '<ErrorCode>NoError</ErrorCode>',
        '<ErrorCode>InvalidRequest</ErrorCode>',
      ),
    ),
};
const pox = {
  settings: (ewsUrl = EWS): EwsHttpResponse => ok(fixture('pox.response.xml').replaceAll(EWS, ewsUrl)),
  redirectAddr: (target: string): EwsHttpResponse =>
    ok(fixture('pox.redirect-addr.response.xml').replace('mara@contoso.mail.onmicrosoft.com', target)),
  redirectUrl: (target: string): EwsHttpResponse =>
    ok(
      fixture('pox.redirect-url.response.xml').replace(
        'https://autodiscover.fabrikam.com/autodiscover/autodiscover.xml',
        target,
      ),
    ),
  unknownAddress: (): EwsHttpResponse => ok(fixture('pox.error.response.xml')),
};

/** The mailbox a request asked about (SOAP `Mailbox` or POX `EMailAddress`). */
function mailboxOf(request: EwsHttpRequest | undefined): string | undefined {
  const root = parseXml(request?.body ?? '');
  return (root.descendants('Mailbox')[0] ?? root.descendants('EMailAddress')[0])?.text;
}

async function failureOf(promise: Promise<unknown>): Promise<AutodiscoverError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AutodiscoverError) return error;
    throw error;
  }
  throw new Error('expected discover to fail');
}

const connection: EwsConnection = { id: 'conn-1', auth: { kind: 'basic', username: 'svc-mailpush', password: 'pw' } };
const HTTPS_CANDIDATES = [
  svc('contoso.com'),
  svc('autodiscover.contoso.com'),
  xml('contoso.com'),
  xml('autodiscover.contoso.com'),
];

describe(HttpAutodiscover.name, () => {
  let http: ScriptedEwsHttp;
  let srv: FakeSrvResolver;
  let clock: FakeClock;
  let sut: HttpAutodiscover;

  beforeEach(() => {
    http = new ScriptedEwsHttp();
    srv = new FakeSrvResolver();
    clock = new FakeClock();
    sut = new HttpAutodiscover(http, srv, { clock });
  });

  describe('candidates', () => {
    it('takes the settings of https://<domain>/autodiscover/autodiscover.svc when it answers first', async () => {
      http.on('POST', svc('contoso.com'), soap.settings());

      const result = await sut.discover(connection, 'Mara@Contoso.com');

      expect(result).toEqual({
        smtpAddress: 'mara@contoso.com',
        ewsUrl: EWS,
        externalEwsUrl: EWS,
        internalEwsUrl: 'https://exch01.corp.contoso.com/EWS/Exchange.asmx',
        groupingInformation: 'CONTOSO-1',
        answeredBy: svc('contoso.com'),
        protocol: 'soap',
      });
      expect(http.asked).toEqual([`POST ${svc('contoso.com')}`]);
      const [request] = http.requests;
      expect(request).toMatchObject({
        method: 'POST',
        authenticate: true,
        headers: { 'content-type': 'text/xml; charset=utf-8' },
      });
      const envelope = parseXml(request?.body ?? '');
      expect(envelope.path('Header', 'Action')?.text).toBe(
        'http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings',
      );
      expect(envelope.path('Header', 'To')?.text).toBe(svc('contoso.com'));
      expect(mailboxOf(request)).toBe('mara@contoso.com');
    });

    it('asks https://autodiscover.<domain>/autodiscover/autodiscover.svc when the domain does not answer', async () => {
      http.on('POST', svc('autodiscover.contoso.com'), soap.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(http.asked).toEqual([`POST ${svc('contoso.com')}`, `POST ${svc('autodiscover.contoso.com')}`]);
      expect(result).toMatchObject({ answeredBy: svc('autodiscover.contoso.com'), protocol: 'soap' });
    });

    it('falls back to POX on the domain when neither SOAP endpoint answers', async () => {
      http
        .on('POST', svc('contoso.com'), status(404))
        .on('POST', svc('autodiscover.contoso.com'), status(500))
        .on('POST', xml('contoso.com'), pox.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(http.asked).toEqual(HTTPS_CANDIDATES.slice(0, 3).map((url) => `POST ${url}`));
      expect(result).toEqual({
        smtpAddress: 'mara@contoso.com',
        ewsUrl: EWS,
        externalEwsUrl: EWS,
        internalEwsUrl: 'https://exch01.corp.contoso.com/EWS/Exchange.asmx',
        groupingInformation: 'CONTOSO-1',
        answeredBy: xml('contoso.com'),
        protocol: 'pox',
      });
      expect(parseXml(http.requests[2]?.body ?? '').path('Request', 'EMailAddress')?.text).toBe('mara@contoso.com');
    });

    it('then asks POX on autodiscover.<domain>', async () => {
      http.on('POST', xml('autodiscover.contoso.com'), pox.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(http.asked).toEqual(HTTPS_CANDIDATES.map((url) => `POST ${url}`));
      expect(result).toMatchObject({ answeredBy: xml('autodiscover.contoso.com'), protocol: 'pox' });
    });

    it.each([
      ['SOAP', 'https://mail.contoso.com/autodiscover/autodiscover.svc', soap.settings(), 'soap'],
      ['POX', 'https://mail.contoso.com/autodiscover/autodiscover.xml', pox.settings(), 'pox'],
    ])(
      'after the HTTPS endpoints, uses the unauthenticated HTTP GET only for its redirect, and resends %s there',
      async (_protocol, location, answer, protocol) => {
        http.on('GET', probe('contoso.com'), status(302, location)).on('POST', location, answer);

        const result = await sut.discover(connection, 'mara@contoso.com');

        expect(http.asked).toEqual([
          ...HTTPS_CANDIDATES.map((url) => `POST ${url}`),
          `GET ${probe('contoso.com')}`,
          `POST ${location}`,
        ]);
        expect(http.requests[4]).toMatchObject({ method: 'GET', authenticate: false });
        expect(http.requests[4]?.body).toBeUndefined();
        expect(result).toMatchObject({ answeredBy: location, protocol, ewsUrl: EWS });
        expect(srv.names).toEqual([]);
      },
    );

    it('does not use a 200 answer to the HTTP GET, even one with settings and a Location', async () => {
      const settings = pox.settings('https://attacker.example/EWS/Exchange.asmx');
      http
        .on('GET', probe('contoso.com'), { ...settings, headers: { location: [svc('mail.contoso.com')] } })
        .on('POST', svc('mail.contoso.com'), soap.settings());

      const error = await failureOf(sut.discover(connection, 'mara@contoso.com'));

      expect(error.kind).toBe('not-found');
      expect(error.attempts).toContain(`GET ${probe('contoso.com')}: HTTP 200, not a redirect; not used`);
      expect(http.asked).not.toContain(`POST ${svc('mail.contoso.com')}`);
      expect(srv.names).toEqual(['_autodiscover._tcp.contoso.com']);
    });

    it('does not follow the HTTP GET to a plain-http Location', async () => {
      http.on('GET', probe('contoso.com'), status(301, 'http://mail.contoso.com/autodiscover/autodiscover.xml'));

      const error = await failureOf(sut.discover(connection, 'mara@contoso.com'));

      expect(http.asked.filter((asked) => asked.includes('mail.contoso.com'))).toEqual([]);
      expect(error.attempts.join('\n')).toMatch(/not followed: not https/);
    });

    it('asks the DNS SRV targets last, lowest priority then highest weight first, over https', async () => {
      srv.records.set('_autodiscover._tcp.contoso.com', [
        { name: 'late.contoso.com', port: 443, priority: 10, weight: 100 },
        { name: 'light.contoso.com', port: 443, priority: 0, weight: 1 },
        { name: 'heavy.contoso.com.', port: 8443, priority: 0, weight: 50 },
      ]);
      http.on('POST', svc('light.contoso.com'), soap.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(srv.names).toEqual(['_autodiscover._tcp.contoso.com']);
      expect(http.asked.slice(5)).toEqual([
        `POST ${svc('heavy.contoso.com:8443')}`,
        `POST ${svc('light.contoso.com')}`,
      ]);
      expect(result).toMatchObject({ answeredBy: svc('light.contoso.com'), protocol: 'soap' });
    });

    it('fails with not-found when nothing answers, saying what each candidate did', async () => {
      http.on('POST', svc('contoso.com'), status(404)).on('GET', probe('contoso.com'), status(404));

      const error = await failureOf(sut.discover(connection, 'mara@contoso.com'));

      expect(error).toBeInstanceOf(AutodiscoverError);
      expect(error.kind).toBe('not-found');
      expect(error.attempts).toEqual([
        `POST ${svc('contoso.com')} (SOAP): HTTP 404`,
        `POST ${svc('autodiscover.contoso.com')} (SOAP): getaddrinfo ENOTFOUND autodiscover.contoso.com`,
        `POST ${xml('contoso.com')} (POX): getaddrinfo ENOTFOUND contoso.com`,
        `POST ${xml('autodiscover.contoso.com')} (POX): getaddrinfo ENOTFOUND autodiscover.contoso.com`,
        `GET ${probe('contoso.com')}: HTTP 404, not a redirect; not used`,
        'SRV _autodiscover._tcp.contoso.com: no records',
      ]);
    });

    it('counts a failed SRV lookup as one more candidate that failed', async () => {
      srv.failure = new Error('querySrv ESERVFAIL _autodiscover._tcp.contoso.com');

      const error = await failureOf(sut.discover(connection, 'mara@contoso.com'));

      expect(error.kind).toBe('not-found');
      expect(error.attempts.at(-1)).toBe(
        'SRV _autodiscover._tcp.contoso.com: querySrv ESERVFAIL _autodiscover._tcp.contoso.com',
      );
    });

    it('skips an answer that is not Autodiscover (an HTML page with 200)', async () => {
      http
        .on('POST', svc('contoso.com'), ok('<html><body>Welcome to Contoso</body></html>'))
        .on('POST', svc('autodiscover.contoso.com'), soap.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(result.answeredBy).toBe(svc('autodiscover.contoso.com'));
    });

    it('refuses something that is not an SMTP address', async () => {
      const error = await failureOf(sut.discover(connection, 'mara'));

      expect(error.kind).toBe('invalid-user');
      expect(http.requests).toEqual([]);
    });
  });

  describe('401', () => {
    it('tries the next candidate after a 401', async () => {
      http.on('POST', svc('contoso.com'), status(401)).on('POST', svc('autodiscover.contoso.com'), soap.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(result.answeredBy).toBe(svc('autodiscover.contoso.com'));
    });

    it('fails with auth when a 401 is all any Autodiscover server said', async () => {
      // A 401 as a status, or as the transport's `auth` error (a sign-in refused after the NTLM handshake).
      const refused = new EwsError(
        'auth',
        'POST https://contoso.com/autodiscover/autodiscover.xml: ntlm sign-in refused (401)',
        {
          httpStatus: 401,
        },
      );
      http
        .on('POST', svc('contoso.com'), status(401))
        .on('POST', svc('autodiscover.contoso.com'), status(401))
        .on('POST', xml('contoso.com'), refused)
        .on('POST', xml('autodiscover.contoso.com'), status(401));

      const error = await failureOf(sut.discover(connection, 'mara@contoso.com'));

      expect(error.kind).toBe('auth');
      expect(error.attempts.filter((attempt) => attempt.includes('credentials refused'))).toHaveLength(4);
    });

    it('fails with not-found, not auth, when another server answered with an Autodiscover error', async () => {
      http
        .on('POST', svc('contoso.com'), status(401))
        .on('POST', svc('autodiscover.contoso.com'), soap.invalidRequest());

      const error = await failureOf(sut.discover(connection, 'mara@contoso.com'));

      expect(error.kind).toBe('not-found');
    });
  });

  describe('redirects', () => {
    it('restarts with the new address and its domain on a SOAP RedirectAddress', async () => {
      http
        .on('POST', svc('contoso.com'), soap.redirectAddress('Mara@Contoso.mail.onmicrosoft.com'))
        .on('POST', svc('autodiscover.contoso.mail.onmicrosoft.com'), soap.settings(EXO_EWS, 'NAMPR12A001'));

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(http.asked).toEqual([
        `POST ${svc('contoso.com')}`,
        `POST ${svc('contoso.mail.onmicrosoft.com')}`,
        `POST ${svc('autodiscover.contoso.mail.onmicrosoft.com')}`,
      ]);
      expect(mailboxOf(http.requests[2])).toBe('mara@contoso.mail.onmicrosoft.com');
      expect(result).toMatchObject({
        smtpAddress: 'mara@contoso.mail.onmicrosoft.com',
        ewsUrl: EXO_EWS,
        groupingInformation: 'NAMPR12A001',
      });
      expect(isExchangeOnline(result.ewsUrl)).toBe(true);
    });

    it('restarts with the new address and its domain on a POX redirectAddr', async () => {
      http
        .on('POST', xml('contoso.com'), pox.redirectAddr('mara@fabrikam.com'))
        .on('POST', svc('fabrikam.com'), soap.settings('https://mail.fabrikam.com/EWS/Exchange.asmx'));

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(http.asked.slice(-1)).toEqual([`POST ${svc('fabrikam.com')}`]);
      expect(mailboxOf(http.requests.at(-1))).toBe('mara@fabrikam.com');
      expect(result).toMatchObject({
        smtpAddress: 'mara@fabrikam.com',
        ewsUrl: 'https://mail.fabrikam.com/EWS/Exchange.asmx',
      });
    });

    it('treats a RedirectAddress to the same address as an invalid endpoint', async () => {
      http
        .on('POST', svc('contoso.com'), soap.redirectAddress('MARA@contoso.com'))
        .on('POST', svc('autodiscover.contoso.com'), soap.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(result).toMatchObject({ smtpAddress: 'mara@contoso.com', answeredBy: svc('autodiscover.contoso.com') });
    });

    it('resends the SOAP request to a RedirectUrl', async () => {
      const target = svc('autodiscover.fabrikam.com');
      http.on('POST', svc('contoso.com'), soap.redirectUrl(target)).on('POST', target, soap.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(http.asked).toEqual([`POST ${svc('contoso.com')}`, `POST ${target}`]);
      const resent = parseXml(http.requests[1]?.body ?? '');
      expect(resent.path('Header', 'To')?.text).toBe(target);
      expect(mailboxOf(http.requests[1])).toBe('mara@contoso.com');
      expect(result).toMatchObject({ smtpAddress: 'mara@contoso.com', answeredBy: target, protocol: 'soap' });
    });

    it('resends the POX request to a redirectUrl', async () => {
      const target = xml('autodiscover.fabrikam.com');
      http.on('POST', xml('contoso.com'), pox.redirectUrl(target)).on('POST', target, pox.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(http.asked.slice(-2)).toEqual([`POST ${xml('contoso.com')}`, `POST ${target}`]);
      expect(parseXml(http.requests.at(-1)?.body ?? '').local).toBe('Autodiscover');
      expect(result).toMatchObject({ answeredBy: target, protocol: 'pox' });
    });

    it.each([301, 302, 307, 308])('resends a POST answered %i to its Location, relative ones too', async (code) => {
      const target = 'https://contoso.com/Autodiscover/Autodiscover.svc?site=2';
      http
        .on('POST', svc('contoso.com'), status(code, '/Autodiscover/Autodiscover.svc?site=2'))
        .on('POST', target, soap.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(http.asked).toEqual([`POST ${svc('contoso.com')}`, `POST ${target}`]);
      expect(result.answeredBy).toBe(target);
    });

    it.each([
      ['a RedirectUrl', soap.redirectUrl('http://autodiscover.fabrikam.com/autodiscover/autodiscover.svc')],
      ['an HTTP 302', status(302, 'http://autodiscover.fabrikam.com/autodiscover/autodiscover.svc')],
    ])('does not follow %s to plain http, and tries the next candidate', async (_case, answer) => {
      http.on('POST', svc('contoso.com'), answer).on('POST', svc('autodiscover.contoso.com'), soap.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(http.asked).toEqual([`POST ${svc('contoso.com')}`, `POST ${svc('autodiscover.contoso.com')}`]);
      expect(result.answeredBy).toBe(svc('autodiscover.contoso.com'));
    });

    /** `svc(contoso.com)` → hop1 → … → hop<count>, by alternating HTTP 302 and RedirectUrl. */
    function chainOf(count: number): string {
      const hop = (i: number): string => (i === 0 ? svc('contoso.com') : svc(`hop${i}.contoso.com`));
      for (let i = 0; i < count; i++) {
        http.on('POST', hop(i), i % 2 === 0 ? status(302, hop(i + 1)) : soap.redirectUrl(hop(i + 1)));
      }
      return hop(count);
    }

    it('follows 10 redirects', async () => {
      const last = chainOf(10);
      http.on('POST', last, soap.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(result.answeredBy).toBe(last);
      expect(http.requests).toHaveLength(11);
    });

    it('gives up at the 11th redirect with redirect-limit', async () => {
      const last = chainOf(11);
      http.on('POST', last, soap.settings());

      const error = await failureOf(sut.discover(connection, 'mara@contoso.com'));

      expect(error.kind).toBe('redirect-limit');
      expect(error.message).toMatch(/more than 10 Autodiscover redirects/);
      expect(http.asked).not.toContain(`POST ${last}`);
    });

    it('counts RedirectAddress restarts in the same budget of 10', async () => {
      for (let i = 0; i <= 11; i++) {
        http.on('POST', svc(`d${i}.example`), soap.redirectAddress(`mara@d${i + 1}.example`));
      }

      const error = await failureOf(sut.discover(connection, 'mara@d0.example'));

      expect(error.kind).toBe('redirect-limit');
      expect(http.requests).toHaveLength(11);
    });

    it('stops a redirect loop with redirect-limit', async () => {
      const other = svc('mail.contoso.com');
      http.on('POST', svc('contoso.com'), soap.redirectUrl(other)).on('POST', other, status(302, svc('contoso.com')));

      const error = await failureOf(sut.discover(connection, 'mara@contoso.com'));

      expect(error.kind).toBe('redirect-limit');
      expect(error.message).toMatch(/loop/);
      expect(http.requests).toHaveLength(2);
    });

    it('stops a RedirectAddress loop with redirect-limit', async () => {
      http
        .on('POST', svc('contoso.com'), soap.redirectAddress('mara@fabrikam.com'))
        .on('POST', svc('fabrikam.com'), soap.redirectAddress('mara@contoso.com'));

      const error = await failureOf(sut.discover(connection, 'mara@contoso.com'));

      expect(error.kind).toBe('redirect-limit');
      expect(error.message).toMatch(/loop/);
    });

    it('takes a redirect into an earlier, finished chain as a known failure, not a loop', async () => {
      http
        .on('POST', svc('contoso.com'), status(302, svc('autodiscover.contoso.com')))
        .on('POST', svc('autodiscover.contoso.com'), status(500))
        .on('POST', xml('contoso.com'), status(302, svc('contoso.com')))
        .on('POST', xml('autodiscover.contoso.com'), pox.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(http.asked).toEqual([
        `POST ${svc('contoso.com')}`,
        `POST ${svc('autodiscover.contoso.com')}`,
        `POST ${xml('contoso.com')}`,
        `POST ${xml('autodiscover.contoso.com')}`,
      ]);
      expect(result.answeredBy).toBe(xml('autodiscover.contoso.com'));
    });

    it('does not ask an endpoint again that already failed for this address', async () => {
      http
        .on('POST', svc('contoso.com'), status(500))
        .on('POST', svc('autodiscover.contoso.com'), status(302, svc('contoso.com')))
        .on('POST', xml('contoso.com'), pox.settings());

      const result = await sut.discover(connection, 'mara@contoso.com');

      expect(http.asked).toEqual([
        `POST ${svc('contoso.com')}`,
        `POST ${svc('autodiscover.contoso.com')}`,
        `POST ${xml('contoso.com')}`,
      ]);
      expect(result.protocol).toBe('pox');
    });

    it.each([
      ['SOAP InvalidUser', 'POST', svc('contoso.com'), soap.invalidUser()],
      ['POX error 500', 'POST', xml('contoso.com'), pox.unknownAddress()],
    ] as const)('fails with invalid-user on %s, asking nothing more', async (_case, method, url, answer) => {
      http.on(method, url, answer);

      const error = await failureOf(sut.discover(connection, 'nobody@contoso.com'));

      expect(error.kind).toBe('invalid-user');
      expect(http.asked.at(-1)).toBe(`POST ${url}`);
    });
  });

  describe('overrides', () => {
    it('returns a configured EWS URL at once', async () => {
      const result = await sut.discover(connection, 'Mara@contoso.com', { ewsUrl: EWS, domain: 'ignored.example' });

      expect(result).toEqual({
        smtpAddress: 'mara@contoso.com',
        ewsUrl: EWS,
        groupingInformation: '',
        answeredBy: EWS,
        protocol: 'configured',
      });
      expect(http.requests).toEqual([]);
    });

    it('asks only a configured .svc endpoint, with SOAP', async () => {
      const configured = 'https://ad.corp.contoso.net/autodiscover/autodiscover.svc';
      http.on('POST', configured, status(503));

      const error = await failureOf(sut.discover(connection, 'mara@contoso.com', { autodiscoverUrl: configured }));

      expect(error.kind).toBe('not-found');
      expect(http.asked).toEqual([`POST ${configured}`]);
      expect(srv.names).toEqual([]);
    });

    it('asks a configured .xml endpoint with POX, following its redirects', async () => {
      const configured = 'https://ad.corp.contoso.net/autodiscover/autodiscover.xml';
      const target = xml('cas2.corp.contoso.net');
      http.on('POST', configured, pox.redirectUrl(target)).on('POST', target, pox.settings());

      const result = await sut.discover(connection, 'mara@contoso.com', { autodiscoverUrl: configured });

      expect(http.asked).toEqual([`POST ${configured}`, `POST ${target}`]);
      expect(result).toMatchObject({ protocol: 'pox', answeredBy: target });
    });

    it("uses a configured domain's candidates instead of the mailbox's", async () => {
      http.on('POST', xml('autodiscover.corp.contoso.net'), pox.settings());

      const result = await sut.discover(connection, 'mara@contoso.com', { domain: 'Corp.Contoso.net' });

      expect(http.asked).toEqual(
        [
          svc('corp.contoso.net'),
          svc('autodiscover.corp.contoso.net'),
          xml('corp.contoso.net'),
          xml('autodiscover.corp.contoso.net'),
        ].map((url) => `POST ${url}`),
      );
      expect(mailboxOf(http.requests[0])).toBe('mara@contoso.com');
      expect(result.smtpAddress).toBe('mara@contoso.com');
    });

    it('keeps the configured domain for a RedirectAddress within the mailbox domain, not for another domain', async () => {
      http
        .on('POST', svc('corp.contoso.net'), (request) =>
          mailboxOf(request) === 'mara@contoso.com'
            ? soap.redirectAddress('mara.z@contoso.com')
            : soap.redirectAddress('mara@fabrikam.com'),
        )
        .on('POST', svc('fabrikam.com'), soap.settings());

      const result = await sut.discover(connection, 'mara@contoso.com', { domain: 'corp.contoso.net' });

      expect(http.asked).toEqual([
        `POST ${svc('corp.contoso.net')}`,
        `POST ${svc('corp.contoso.net')}`,
        `POST ${svc('fabrikam.com')}`,
      ]);
      expect(result.smtpAddress).toBe('mara@fabrikam.com');
    });
  });

  describe('cache', () => {
    beforeEach(() => {
      http.on('POST', svc('contoso.com'), soap.settings());
    });

    it('reuses an answer for an hour, whatever the case of the address, then asks again', async () => {
      const first = await sut.discover(connection, 'mara@contoso.com');
      clock.ms = 60 * 60 * 1000 - 1;
      const second = await sut.discover(connection, 'MARA@contoso.com');

      expect(second).toEqual(first);
      expect(http.requests).toHaveLength(1);

      clock.ms = 60 * 60 * 1000 + 1;
      await sut.discover(connection, 'mara@contoso.com');

      expect(http.requests).toHaveLength(2);
    });

    it('asks again after forget()', async () => {
      await sut.discover(connection, 'mara@contoso.com');
      sut.forget('Mara@Contoso.com');
      await sut.discover(connection, 'mara@contoso.com');

      expect(http.requests).toHaveLength(2);
    });

    it('keeps answers per connection', async () => {
      await sut.discover(connection, 'mara@contoso.com');
      await sut.discover({ ...connection, id: 'conn-2' }, 'mara@contoso.com');
      await sut.discover(connection, 'mara@contoso.com');

      expect(http.requests).toHaveLength(2);
    });

    it('shares one lookup among concurrent callers', async () => {
      let answer: (response: EwsHttpResponse) => void = () => undefined;
      http.on('POST', svc('contoso.com'), () => new Promise<EwsHttpResponse>((resolve) => (answer = resolve)));

      const calls = [sut.discover(connection, 'mara@contoso.com'), sut.discover(connection, 'Mara@contoso.com')];
      await new Promise<void>((resolve) => setImmediate(resolve));
      answer(soap.settings());
      const [first, second] = await Promise.all(calls);

      expect(http.requests).toHaveLength(1);
      expect(second).toEqual(first);
    });

    it('does not keep a lookup that was forgotten while it ran', async () => {
      let answer: (response: EwsHttpResponse) => void = () => undefined;
      http.on('POST', svc('contoso.com'), () => new Promise<EwsHttpResponse>((resolve) => (answer = resolve)));

      const running = sut.discover(connection, 'mara@contoso.com');
      await new Promise<void>((resolve) => setImmediate(resolve));
      sut.forget('mara@contoso.com');
      answer(soap.settings());
      await running;
      http.on('POST', svc('contoso.com'), soap.settings(EXO_EWS));

      await expect(sut.discover(connection, 'mara@contoso.com')).resolves.toMatchObject({ ewsUrl: EXO_EWS });
      expect(http.requests).toHaveLength(2);
    });

    it('repeats a failure for 30 seconds without asking, then asks again', async () => {
      http.on('POST', svc('contoso.com'), soap.invalidUser());

      const first = await failureOf(sut.discover(connection, 'mara@contoso.com'));
      clock.ms = 29_999;
      const second = await failureOf(sut.discover(connection, 'mara@contoso.com'));

      expect(second).toBe(first);
      expect(http.requests).toHaveLength(1);

      clock.ms = 30_001;
      await failureOf(sut.discover(connection, 'mara@contoso.com'));

      expect(http.requests).toHaveLength(2);
    });

    it('keeps no failures with failureTtlMs 0', async () => {
      sut = new HttpAutodiscover(http, srv, { clock, failureTtlMs: 0 });
      http.on('POST', svc('contoso.com'), soap.invalidUser());

      await failureOf(sut.discover(connection, 'mara@contoso.com'));
      await failureOf(sut.discover(connection, 'mara@contoso.com'));

      expect(http.requests).toHaveLength(2);
    });

    it('passes its request time limit to every request', async () => {
      sut = new HttpAutodiscover(http, srv, { clock, requestTimeoutMs: 5_000 });

      await sut.discover(connection, 'mara@contoso.com');

      expect(http.requests[0]?.timeoutMs).toBe(5_000);
    });
  });
});
