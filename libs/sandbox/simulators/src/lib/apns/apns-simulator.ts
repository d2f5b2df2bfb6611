import { generateKeyPairSync, randomInt, randomUUID } from 'node:crypto';
import {
  constants,
  createSecureServer,
  type Http2SecureServer,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import { readBody } from '../support/read-body';
import { RecordLog } from '../support/record-log';
import { ScriptBook } from '../support/script-book';
import { closeServer, dialHost, listen } from '../support/listen';
import { SandboxCertificateAuthority, SIMULATOR_SERVER_NAMES } from '../tls/sandbox-certificate-authority';
import {
  checkApnsHeaders,
  checkApnsPath,
  checkApnsPayload,
  checkDeviceToken,
  checkDuplicateHeaders,
  isCanonicalUuid,
  APNS_MAX_VOIP_PAYLOAD_BYTES,
  type ApnsRejection,
} from './apns-request.check';
import { ApnsProviderTokenVerifier } from './apns-provider-token.verifier';
import type { ApnsErrorScript, ApnsScript } from './apns-script';
import type { ApnsSigningKey, ApnsVerificationKey } from './apns-signing-key';
import type { RecordedApnsRequest } from './recorded-apns-request';

export interface ApnsSimulatorOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The CA that issues the server certificate; a new one when omitted. */
  readonly ca?: SandboxCertificateAuthority;
}

/** The largest body kept for the record; larger ones are only measured (and answered 413). */
const KEEP_BODY_BYTES = APNS_MAX_VOIP_PAYLOAD_BYTES + 1;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

interface Outcome {
  readonly status: number;
  readonly reason: string | undefined;
  readonly apnsId: string;
}

/**
 * Apple's APNs provider API on a real socket: HTTP/2 over TLS only, token (JWT) authentication checked
 * against registered keys, Apple's header, path and payload rules, Apple's error bodies. Records every
 * request and answers with scripted errors or GOAWAYs by device-token prefix. For tests and local
 * development only: it holds nothing secret and is never part of a production deployment.
 */
export class ApnsSimulator {
  private readonly verifier = new ApnsProviderTokenVerifier();
  private readonly scripts = new ScriptBook<ApnsScript>();
  private readonly log = new RecordLog<RecordedApnsRequest>();
  private readonly sessions = new Map<ServerHttp2Session, number>();
  private sessionCount = 0;

  private constructor(
    private readonly server: Http2SecureServer,
    readonly host: string,
    readonly port: number,
    /** The CA certificate clients must trust (`ca`). */
    readonly caPem: string,
  ) {}

  static async start(options: ApnsSimulatorOptions = {}): Promise<ApnsSimulator> {
    const host = options.host ?? '127.0.0.1';
    const ca = options.ca ?? (await SandboxCertificateAuthority.create());
    const { certPem, keyPem } = await ca.issue([...SIMULATOR_SERVER_NAMES, dialHost(host)]);
    const server = createSecureServer({ cert: certPem, key: keyPem, allowHTTP1: false });
    const port = await listen(server, options.port ?? 0, host);
    const simulator = new ApnsSimulator(server, dialHost(host), port, ca.caPem);
    simulator.attach();
    return simulator;
  }

  /** A new token-authentication key as Apple issues it (random 10-character key and team ids). */
  static generateKey(): ApnsSigningKey {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    return {
      keyId: randomId(),
      teamId: randomId(),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }

  /** Accepts provider tokens signed by this key for its team; `topics` limits the bundle ids (any when omitted). */
  registerKey(key: ApnsVerificationKey, topics?: readonly string[]): void {
    this.verifier.register(key, topics);
  }

  /** Answers requests for tokens starting with `tokenPrefix` with `response` (the longest matching prefix wins). */
  script(tokenPrefix: string, response: ApnsScript): void {
    this.scripts.set(tokenPrefix, response);
  }

  clearScripts(): void {
    this.scripts.clear();
  }

  /** Forgets what was received and every script. */
  reset(): void {
    this.scripts.clear();
    this.log.clear();
  }

  requests(filter: { readonly token?: string } = {}): readonly RecordedApnsRequest[] {
    const all = this.log.all();
    return filter.token === undefined ? all : all.filter((request) => request.token === filter.token);
  }

  waitForRequests(count: number, timeoutMs = 5000): Promise<readonly RecordedApnsRequest[]> {
    return this.log.waitFor(count, timeoutMs, 'APNs requests');
  }

  /**
   * How many different provider tokens (key id and `iat`) the recorded requests carried. A well-behaved client
   * reuses one token for 20 to 60 minutes, so a test sending many pushes expects 1 here, not one per push.
   */
  distinctJwtIats(): number {
    const tokens = new Set<string>();
    for (const request of this.log.all()) {
      if (request.jwt !== undefined) tokens.add(`${request.jwt.kid}:${request.jwt.iat}`);
    }
    return tokens.size;
  }

  /** Destroys every connection and stops listening. */
  async close(): Promise<void> {
    for (const session of this.sessions.keys()) session.destroy();
    this.sessions.clear();
    await closeServer(this.server);
  }

  private attach(): void {
    this.server.on('session', (session) => {
      this.sessionCount += 1;
      this.sessions.set(session, this.sessionCount);
      session.once('close', () => this.sessions.delete(session));
      // A client that vanishes mid-stream is its own problem, not the simulator's.
      session.on('error', () => undefined);
    });
    this.server.on(
      'stream',
      (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
        stream.on('error', () => undefined);
        this.handle(stream, headers, rawHeaders).catch(() => {
          if (!stream.destroyed) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
        });
      },
    );
  }

  private async handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[]): Promise<void> {
    const body = await readBody(stream, KEEP_BODY_BYTES);
    const flat = flattenHeaders(headers);
    const path = checkApnsPath(flat[':method'] ?? '', flat[':path'] ?? '');
    const token = 'token' in path ? path.token : '';
    const requestedId = flat['apns-id'];
    const apnsId = isCanonicalUuid(requestedId) ? requestedId : randomUUID();
    const auth = await this.verifier.verify(flat['authorization'], Math.floor(Date.now() / 1000));
    const parsed = 'token' in path && auth.ok ? checkApnsPayload(body, flat['apns-push-type']) : undefined;

    const rejection =
      ('status' in path ? path : undefined) ??
      checkDuplicateHeaders(rawHeaders) ??
      (auth.ok ? undefined : auth.rejection) ??
      checkDeviceToken(token) ??
      checkApnsHeaders(flat, auth.ok ? auth.allowedTopics : undefined) ??
      (parsed !== undefined && 'status' in parsed ? parsed : undefined);

    const record = (outcome: Outcome): void =>
      this.log.add({
        at: new Date(),
        token,
        headers: redactAuthorization(flat),
        payload: parsed !== undefined && 'payload' in parsed ? parsed.payload : undefined,
        rawBody: body.bytes.toString('utf8'),
        status: outcome.status,
        reason: outcome.reason,
        apnsId: outcome.apnsId,
        jwt: auth.claims,
        sessionId: this.sessions.get(stream.session as ServerHttp2Session) ?? 0,
      });

    if (rejection !== undefined) {
      respondWithError(stream, apnsId, rejection, undefined);
      record({ ...rejection, apnsId });
      return;
    }
    const script = this.scripts.take(token);
    if (script === undefined) {
      if (!stream.destroyed) stream.respond({ ':status': 200, 'apns-id': apnsId }, { endStream: true });
      record({ status: 200, reason: undefined, apnsId });
    } else if ('goaway' in script) {
      const reason = script.reason ?? 'Shutdown';
      record({ status: 0, reason, apnsId });
      goaway(stream, reason);
    } else {
      respondWithError(stream, apnsId, script, script);
      record({ status: script.status, reason: script.reason, apnsId });
    }
  }
}

function respondWithError(
  stream: ServerHttp2Stream,
  apnsId: string,
  rejection: ApnsRejection,
  script: ApnsErrorScript | undefined,
): void {
  if (stream.destroyed) return;
  const body: Record<string, unknown> = { reason: rejection.reason };
  if (rejection.status === 410) body['timestamp'] = script?.timestamp ?? Date.now();
  const responseHeaders: Record<string, string | number> = {
    ':status': rejection.status,
    'apns-id': apnsId,
    'content-type': 'application/json',
  };
  if (script?.retryAfterSeconds !== undefined) responseHeaders['retry-after'] = script.retryAfterSeconds;
  stream.respond(responseHeaders);
  stream.end(JSON.stringify(body));
}

/**
 * Sends GOAWAY naming the stream before this one as the last processed, so the client knows this request was
 * not handled and may retry it on a new connection, then ends the connection.
 */
function goaway(stream: ServerHttp2Stream, reason: string): void {
  const session = stream.session;
  if (session === undefined || session.destroyed) return;
  const lastStreamId = Math.max(0, (stream.id ?? 1) - 2);
  session.goaway(constants.NGHTTP2_NO_ERROR, lastStreamId, Buffer.from(JSON.stringify({ reason })));
  stream.close(constants.NGHTTP2_REFUSED_STREAM);
  session.close();
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Records keep the scheme and a recognisable start of the JWT, never a replayable token. */
function redactAuthorization(headers: Record<string, string>): Record<string, string> {
  const authorization = headers['authorization'];
  if (authorization === undefined) return headers;
  const [scheme = '', value = ''] = authorization.split(/\s+/, 2);
  return { ...headers, authorization: `${scheme} ${value.slice(0, 12)}…(redacted)` };
}

function randomId(): string {
  let id = '';
  for (let i = 0; i < 10; i += 1) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}
