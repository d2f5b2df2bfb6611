import { createPrivateKey, randomBytes } from 'node:crypto';
import { connect, type ClientHttp2Session } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { SignJWT } from 'jose';
import { FcmSimulator } from './fcm-simulator';
import type { FcmErrorCode } from './fcm-script';
import type { FcmServiceAccountJson } from './fcm-service-account';

const PROJECT = 'mailpush-test';
const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const TIME_ERROR =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly json: Record<string, unknown>;
}

function registrationToken(prefix = 'tok'): string {
  return `${prefix}${randomBytes(20).toString('base64url')}:APA91b${randomBytes(40).toString('base64url')}`;
}

function assertion(
  account: FcmServiceAccountJson,
  overrides: { iat?: number; exp?: number; aud?: string; scope?: string | null; key?: string; iss?: string } = {},
): Promise<string> {
  const iat = overrides.iat ?? Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = overrides.scope === null ? {} : { scope: overrides.scope ?? FCM_SCOPE };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: account.private_key_id })
    .setIssuer(overrides.iss ?? account.client_email)
    .setAudience(overrides.aud ?? account.token_uri)
    .setIssuedAt(iat)
    .setExpirationTime(overrides.exp ?? iat + 3600)
    .sign(createPrivateKey(overrides.key ?? account.private_key));
}

function http2Post(
  session: ClientHttp2Session,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': path, ...headers });
    let status = 0;
    let received: Record<string, unknown> = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => {
      status = Number(h[':status']);
      received = { ...h };
    });
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => resolve({ status, headers: received, json: JSON.parse(text) as Record<string, unknown> }));
    stream.on('error', reject);
    stream.end(body);
  });
}

function http1Post(url: string, ca: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: 'POST', ca, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          json: JSON.parse(text) as Record<string, unknown>,
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe(FcmSimulator.name, () => {
  let sut: FcmSimulator;
  let account: FcmServiceAccountJson;
  let session: ClientHttp2Session;
  let accessToken: string;

  const fetchToken = async (assertionJwt: string): Promise<Answer> =>
    http2Post(
      session,
      '/token',
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: assertionJwt,
      }).toString(),
    );

  const send = (body: unknown, options: { project?: string; token?: string | null } = {}): Promise<Answer> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const bearer = options.token === undefined ? accessToken : options.token;
    if (bearer !== null) headers['authorization'] = `Bearer ${bearer}`;
    return http2Post(
      session,
      `/v1/projects/${options.project ?? PROJECT}/messages:send`,
      headers,
      JSON.stringify(body),
    );
  };

  const sendTo = (token: string, extra: Record<string, unknown> = {}): Promise<Answer> =>
    send({ message: { token, notification: { title: 'Alice', body: 'Lunch?' }, data: { unread: '3' }, ...extra } });

  beforeAll(async () => {
    sut = await FcmSimulator.start();
    account = sut.createServiceAccount(PROJECT);
  });

  beforeEach(async () => {
    sut.reset();
    session = connect(sut.url, { ca: sut.caPem });
    const answer = await fetchToken(await assertion(account));
    accessToken = String(answer.json['access_token']);
  });

  afterEach(() => {
    session.destroy();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('creates a service account file that points at its token endpoint', () => {
    expect(account).toMatchObject({
      type: 'service_account',
      project_id: PROJECT,
      token_uri: `${sut.url}/token`,
      private_key: expect.stringContaining('-----BEGIN PRIVATE KEY-----'),
      client_email: expect.stringMatching(new RegExp(`@${PROJECT}\\.iam\\.gserviceaccount\\.com$`)),
      private_key_id: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(sut.tokenUrl).toBe(`${sut.url}/token`);
    expect(sut.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(() => sut.createServiceAccount('Bad_Project')).toThrow(/projectId/);
  });

  describe('token endpoint', () => {
    it('exchanges a signed assertion for a Bearer access token and records the request', async () => {
      sut.reset();

      const answer = await fetchToken(await assertion(account));

      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        access_token: expect.stringMatching(/^ya29\./),
        expires_in: 3599,
        token_type: 'Bearer',
      });
      expect(sut.tokenRequests()).toEqual([
        { at: expect.any(Date), clientEmail: account.client_email, status: 200, error: undefined, scopes: [FCM_SCOPE] },
      ]);
    });

    it("accepts Google's own token URL as the audience", async () => {
      const answer = await fetchToken(await assertion(account, { aud: 'https://oauth2.googleapis.com/token' }));

      expect(answer.status).toBe(200);
    });

    it('answers a JSON body like a form', async () => {
      const answer = await http2Post(
        session,
        '/token',
        { 'content-type': 'application/json' },
        JSON.stringify({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: await assertion(account),
        }),
      );

      expect(answer.status).toBe(200);
    });

    it.each<[string, () => Promise<string>, string, string]>([
      [
        'an unknown account',
        async () => assertion(account, { iss: `nobody@${PROJECT}.iam.gserviceaccount.com` }),
        'invalid_grant',
        'Invalid grant: account not found',
      ],
      [
        'a signature by another key',
        async () => assertion(account, { key: sut.createServiceAccount(PROJECT).private_key }),
        'invalid_grant',
        'Invalid JWT Signature.',
      ],
      [
        'a lifetime over an hour',
        async () => assertion(account, { exp: Math.floor(Date.now() / 1000) + 3601 }),
        'invalid_grant',
        TIME_ERROR,
      ],
      [
        'an expired assertion',
        async () => assertion(account, { iat: Math.floor(Date.now() / 1000) - 7200 }),
        'invalid_grant',
        TIME_ERROR,
      ],
      [
        'another audience',
        async () => assertion(account, { aud: 'https://example.com/token' }),
        'invalid_grant',
        expect.stringContaining('Failed audience check') as unknown as string,
      ],
      [
        'no scope',
        async () => assertion(account, { scope: null }),
        'invalid_scope',
        'Invalid OAuth scope or ID token audience provided.',
      ],
    ])('answers 400 for %s', async (_case, makeAssertion, error, description) => {
      const answer = await fetchToken(await makeAssertion());

      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error, error_description: description });
      expect(sut.tokenRequests().at(-1)).toMatchObject({ status: 400, error });
    });

    it('answers 400 unsupported_grant_type for another grant', async () => {
      const answer = await http2Post(
        session,
        '/token',
        { 'content-type': 'application/x-www-form-urlencoded' },
        'grant_type=client_credentials&client_id=x',
      );

      expect(answer).toMatchObject({
        status: 400,
        json: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: client_credentials' },
      });
    });
  });

  describe('messages:send', () => {
    it('accepts a message over HTTP/2, answers its name and records it', async () => {
      const token = registrationToken();

      const answer = await sendTo(token, { android: { priority: 'HIGH', ttl: '86400s', collapse_key: 'mail' } });

      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        name: expect.stringMatching(new RegExp(`^projects/${PROJECT}/messages/0:\\d+%[0-9a-f]{16}$`)),
      });
      const [recorded] = await sut.waitForRequests(1);
      expect(recorded).toMatchObject({
        projectId: PROJECT,
        token,
        status: 200,
        errorCode: undefined,
        name: answer.json['name'],
        httpVersion: '2.0',
        validateOnly: false,
        message: { token, data: { unread: '3' }, android: { priority: 'HIGH' } },
      });
      expect(sut.requests({ token })).toHaveLength(1);
    });

    it('keeps one session id for sends on one connection and a new one for another connection', async () => {
      await sendTo(registrationToken());
      await sendTo(registrationToken());
      const other = connect(sut.url, { ca: sut.caPem });
      try {
        await http2Post(
          other,
          `/v1/projects/${PROJECT}/messages:send`,
          { authorization: `Bearer ${accessToken}` },
          JSON.stringify({ message: { topic: 'news' } }),
        );
      } finally {
        other.destroy();
      }

      const [a, b, c] = await sut.waitForRequests(3);
      expect(a?.sessionId).toBe(b?.sessionId);
      expect(c?.sessionId).not.toBe(a?.sessionId);
      expect(c).toMatchObject({ topic: 'news', token: undefined, status: 200 });
    });

    it('accepts a message over HTTP/1.1', async () => {
      const token = registrationToken();

      const answer = await http1Post(
        `${sut.url}/v1/projects/${PROJECT}/messages:send`,
        sut.caPem,
        { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        JSON.stringify({ message: { token, data: { a: 'b' } } }),
      );

      expect(answer.status).toBe(200);
      const [recorded] = await sut.waitForRequests(1);
      expect(recorded).toMatchObject({ token, httpVersion: '1.1', status: 200 });
    });

    it('answers a validate_only send with the fake message id', async () => {
      const answer = await send({ validate_only: true, message: { token: registrationToken() } });

      expect(answer.json).toEqual({ name: `projects/${PROJECT}/messages/fake_message_id` });
      await expect(sut.waitForRequests(1)).resolves.toMatchObject([{ validateOnly: true }]);
    });
  });

  describe('authentication', () => {
    it("answers 401 UNAUTHENTICATED without a token, in Google's error shape", async () => {
      const answer = await send({ message: { topic: 'a' } }, { token: null });

      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer realm="https://accounts.google.com/"');
      expect(answer.json).toMatchObject({
        error: {
          code: 401,
          status: 'UNAUTHENTICATED',
          message: expect.stringContaining('missing required authentication'),
        },
      });
    });

    it('answers 401 for a token it never issued and for an expired one', async () => {
      await expect(send({ message: { topic: 'a' } }, { token: 'ya29.forged' })).resolves.toMatchObject({ status: 401 });
      sut.expireAccessTokens();

      const expired = await send({ message: { topic: 'a' } });

      expect(expired.status).toBe(401);
      expect(expired.json).toMatchObject({ error: { details: [{ reason: 'ACCESS_TOKEN_EXPIRED' }] } });
      await expect(sut.waitForRequests(2)).resolves.toMatchObject([
        { status: 401, errorCode: 'UNAUTHENTICATED' },
        { status: 401, errorCode: 'UNAUTHENTICATED' },
      ]);
    });

    it('answers 403 PERMISSION_DENIED for a token of another project', async () => {
      const answer = await send({ message: { token: registrationToken() } }, { project: 'someone-else' });

      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({
        error: { code: 403, status: 'PERMISSION_DENIED', message: expect.stringContaining('projects/someone-else') },
      });
    });

    it('answers 403 for a token issued without an FCM scope', async () => {
      const answer = await fetchToken(
        await assertion(account, { scope: 'https://www.googleapis.com/auth/userinfo.email' }),
      );

      const denied = await send({ message: { topic: 'a' } }, { token: String(answer.json['access_token']) });

      expect(denied).toMatchObject({
        status: 403,
        json: { error: { status: 'PERMISSION_DENIED', message: 'Request had insufficient authentication scopes.' } },
      });
    });
  });

  describe('validation', () => {
    it("rejects a non-string data value with FCM's exact message", async () => {
      const answer = await send({ message: { token: registrationToken(), data: { unread: 12 } } });

      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({
        error: {
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: "Invalid value at 'message.data[0].value' (TYPE_STRING), 12",
          details: [{ fieldViolations: [{ field: 'message.data[0].value' }] }],
        },
      });
      await expect(sut.waitForRequests(1)).resolves.toMatchObject([{ status: 400, errorCode: 'INVALID_ARGUMENT' }]);
    });

    it('names the index of the offending data entry', async () => {
      const answer = await send({ message: { token: registrationToken(), data: { a: 'x', b: true } } });

      expect(answer.json).toMatchObject({
        error: { message: "Invalid value at 'message.data[1].value' (TYPE_STRING), true" },
      });
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['no target', { data: { a: 'b' } }, 'Recipient of the message is not set.'],
      [
        'two targets',
        { token: 'abc', topic: 'news' },
        "Invalid value at 'message' (oneof), oneof field 'target' is already set. Cannot set 'topic'",
      ],
      ['a malformed token', { token: 'not a token' }, 'The registration token is not a valid FCM registration token'],
      ['the reserved data key from', { token: 'abc', data: { from: 'x' } }, 'Invalid data payload key: from'],
      ['the reserved data key gcm', { token: 'abc', data: { gcm: 'x' } }, 'Invalid data payload key: gcm'],
      [
        'a data key starting with google',
        { token: 'abc', data: { 'google.x': 'x' } },
        'Invalid data payload key: google.x',
      ],
      [
        'an unknown Android priority',
        { token: 'abc', android: { priority: 'URGENT' } },
        'Invalid value at \'message.android.priority\' (type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority), "URGENT"',
      ],
      [
        'a TTL that is not a duration',
        { token: 'abc', android: { ttl: '1d' } },
        'Invalid value at \'message.android.ttl\' (type.googleapis.com/google.protobuf.Duration), "1d"',
      ],
      [
        'a TTL over four weeks',
        { token: 'abc', android: { ttl: '2419201s' } },
        'TTL must be between 0 and 2419200 seconds',
      ],
      ['a payload over 4096 bytes', { token: 'abc', data: { a: 'x'.repeat(4090) } }, 'Message is too big'],
      ['a topic payload over 2048 bytes', { topic: 'news', data: { a: 'x'.repeat(2040) } }, 'Message is too big'],
      [
        'an unknown field',
        { token: 'abc', priority: 'high' },
        'Invalid JSON payload received. Unknown name "priority"',
      ],
    ])('answers 400 INVALID_ARGUMENT for %s', async (_case, message, text) => {
      const answer = await send({ message });

      expect(answer.status).toBe(400);
      expect(answer.json['error']).toMatchObject({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: expect.stringContaining(text),
      });
    });

    it('accepts the limits themselves: a TTL of four weeks and zero', async () => {
      await expect(sendTo(registrationToken(), { android: { ttl: '2419200s' } })).resolves.toMatchObject({
        status: 200,
      });
      await expect(sendTo(registrationToken(), { android: { ttl: '0s', priority: 'NORMAL' } })).resolves.toMatchObject({
        status: 200,
      });
    });

    it('answers a body that is not JSON with 400', async () => {
      const answer = await http2Post(
        session,
        `/v1/projects/${PROJECT}/messages:send`,
        { authorization: `Bearer ${accessToken}` },
        '{"message":',
      );

      expect(answer).toMatchObject({ status: 400, json: { error: { status: 'INVALID_ARGUMENT' } } });
    });

    it('answers an unknown path with 404', async () => {
      const answer = await http2Post(session, '/v1/projects/x/messages:sendAll', {}, '{}');

      expect(answer).toMatchObject({ status: 404, json: { error: { code: 404, status: 'NOT_FOUND' } } });
    });
  });

  describe('scripts', () => {
    it.each<[FcmErrorCode, number, string]>([
      ['UNREGISTERED', 404, 'NOT_FOUND'],
      ['INVALID_ARGUMENT', 400, 'INVALID_ARGUMENT'],
      ['SENDER_ID_MISMATCH', 403, 'PERMISSION_DENIED'],
      ['QUOTA_EXCEEDED', 429, 'RESOURCE_EXHAUSTED'],
      ['UNAVAILABLE', 503, 'UNAVAILABLE'],
      ['INTERNAL', 500, 'INTERNAL'],
      ['THIRD_PARTY_AUTH_ERROR', 401, 'UNAUTHENTICATED'],
    ])('answers a scripted %s with HTTP %d and the FcmError body', async (errorCode, httpStatus, status) => {
      const token = registrationToken('bad');
      sut.script('bad', { errorCode });

      const answer = await sendTo(token);

      expect(answer.status).toBe(httpStatus);
      expect(answer.json).toEqual({
        error: {
          code: httpStatus,
          message: expect.any(String),
          status,
          details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }],
        },
      });
      await expect(sut.waitForRequests(1)).resolves.toMatchObject([
        { token, status: httpStatus, errorCode, name: undefined },
      ]);
    });

    it('sends retry-after, for `times` requests only', async () => {
      const token = registrationToken('slow');
      sut.script('slow', { errorCode: 'UNAVAILABLE', retryAfterSeconds: 7, times: 1 });

      const first = await sendTo(token);
      const second = await sendTo(token);

      expect(first).toMatchObject({ status: 503, headers: { 'retry-after': '7' } });
      expect(second.status).toBe(200);
    });

    it('lets the longest prefix win', async () => {
      sut.script('a', { errorCode: 'INTERNAL' });
      sut.script('ab', { errorCode: 'UNREGISTERED' });

      await expect(sendTo(registrationToken('ab'))).resolves.toMatchObject({ status: 404 });
      await expect(sendTo(registrationToken('ac'))).resolves.toMatchObject({ status: 500 });
      sut.clearScripts();
      await expect(sendTo(registrationToken('ab'))).resolves.toMatchObject({ status: 200 });
    });

    it('sends an HTTP/2 GOAWAY instead of answering', async () => {
      sut.script('gone', { goaway: true, times: 1 });
      const goaway = new Promise<number>((resolve) => session.once('goaway', (code) => resolve(code)));

      await expect(sendTo(registrationToken('gone'))).rejects.toThrow();

      await expect(goaway).resolves.toBe(0);
      await expect(sut.waitForRequests(1)).resolves.toMatchObject([{ status: 0, httpVersion: '2.0' }]);
    });

    it('drops an HTTP/1.1 connection instead of answering', async () => {
      sut.script('gone', { goaway: true });

      const sent = http1Post(
        `${sut.url}/v1/projects/${PROJECT}/messages:send`,
        sut.caPem,
        { authorization: `Bearer ${accessToken}` },
        JSON.stringify({ message: { token: registrationToken('gone') } }),
      );

      await expect(sent).rejects.toThrow(/socket hang up/);
    });
  });
});
