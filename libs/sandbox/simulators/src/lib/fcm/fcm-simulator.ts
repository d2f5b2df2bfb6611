import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  constants,
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import type { Socket } from 'node:net';
import { readBody } from '../support/read-body';
import { RecordLog } from '../support/record-log';
import { ScriptBook } from '../support/script-book';
import { closeServer, dialHost, listen, urlHost } from '../support/listen';
import { SandboxCertificateAuthority, SIMULATOR_SERVER_NAMES } from '../tls/sandbox-certificate-authority';
import { checkSendRequest } from './fcm-message.check';
import type { FcmScript } from './fcm-script';
import type { FcmServiceAccountJson } from './fcm-service-account';
import {
  fcmError,
  insufficientScopes,
  notFound,
  projectPermissionDenied,
  protoError,
  unauthenticated,
  type GoogleErrorAnswer,
} from './google-error';
import { FCM_SCOPES, GoogleTokenIssuer } from './google-token.issuer';
import type { RecordedFcmRequest, RecordedTokenRequest } from './recorded-fcm-request';

export interface FcmSimulatorOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The CA that issues the server certificate; a new one when omitted. */
  readonly ca?: SandboxCertificateAuthority;
}

type Request = Http2ServerRequest | IncomingMessage;
type Response = Http2ServerResponse | ServerResponse;

const SEND_PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** Far above FCM's 4 KiB payload limit: enough to report "too big" for any plausible message. */
const KEEP_BODY_BYTES = 1024 * 1024;

/**
 * FCM HTTP v1 and Google's OAuth token endpoint on one TLS port (HTTP/2, and HTTP/1.1 for clients that
 * cannot do HTTP/2): service-account JWT assertions are verified, access tokens are checked per project,
 * send bodies are validated like FCM, errors have Google's shape. Records every send and token request and
 * answers with scripted FcmErrors or GOAWAYs by registration-token prefix. Never for production.
 */
export class FcmSimulator {
  private readonly scripts = new ScriptBook<FcmScript>();
  private readonly sends = new RecordLog<RecordedFcmRequest>();
  private readonly tokenCalls = new RecordLog<RecordedTokenRequest>();
  private readonly connectionIds = new WeakMap<object, number>();
  private readonly connections = new Set<Http2Session | Socket>();
  private connectionCount = 0;
  private readonly issuer: GoogleTokenIssuer;
  /** `https://host:port`, the FCM_ENDPOINT a client uses. */
  readonly url: string;
  /** `url + '/token'`, the service accounts' `token_uri`. */
  readonly tokenUrl: string;

  private constructor(
    private readonly server: Http2SecureServer,
    readonly host: string,
    readonly port: number,
    /** The CA certificate clients must trust (`ca`). */
    readonly caPem: string,
  ) {
    this.url = `https://${urlHost(host)}:${port}`;
    this.tokenUrl = `${this.url}/token`;
    this.issuer = new GoogleTokenIssuer(this.tokenUrl);
  }

  static async start(options: FcmSimulatorOptions = {}): Promise<FcmSimulator> {
    const host = options.host ?? '127.0.0.1';
    const ca = options.ca ?? (await SandboxCertificateAuthority.create());
    const { certPem, keyPem } = await ca.issue([...SIMULATOR_SERVER_NAMES, dialHost(host)]);
    const server = createSecureServer({ cert: certPem, key: keyPem, allowHTTP1: true });
    const port = await listen(server, options.port ?? 0, host);
    const simulator = new FcmSimulator(server, dialHost(host), port, ca.caPem);
    simulator.attach();
    return simulator;
  }

  /**
   * A new service account of `projectId` with its own RSA key, registered with the token endpoint: the JSON
   * is what `FCM_SERVICE_ACCOUNT_PATH` points at, with `token_uri` set to this simulator.
   */
  createServiceAccount(projectId: string): FcmServiceAccountJson {
    if (!PROJECT_ID.test(projectId)) {
      throw new Error(`projectId: must be 6-30 lowercase letters, digits or hyphens (got "${projectId}")`);
    }
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const clientEmail = `firebase-adminsdk-${randomBytes(3).toString('hex').slice(0, 5)}@${projectId}.iam.gserviceaccount.com`;
    const privateKeyId = randomBytes(20).toString('hex');
    this.issuer.register({ clientEmail, projectId, privateKeyId, publicKey });
    return {
      type: 'service_account',
      project_id: projectId,
      private_key_id: privateKeyId,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: clientEmail,
      client_id: String(randomInt(1e9, 1e10 - 1)) + String(randomInt(1e9, 1e10 - 1)),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: this.tokenUrl,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
      universe_domain: 'googleapis.com',
    };
  }

  /** Answers sends to tokens starting with `tokenPrefix` with `response` (the longest matching prefix wins). */
  script(tokenPrefix: string, response: FcmScript): void {
    this.scripts.set(tokenPrefix, response);
  }

  clearScripts(): void {
    this.scripts.clear();
  }

  /** Forgets what was received (sends and token requests) and every script. */
  reset(): void {
    this.scripts.clear();
    this.sends.clear();
    this.tokenCalls.clear();
  }

  /** Makes every access token issued so far expired, so the next send gets 401 and the client must refresh. */
  expireAccessTokens(): void {
    this.issuer.expireAccessTokens();
  }

  requests(filter: { readonly token?: string } = {}): readonly RecordedFcmRequest[] {
    const all = this.sends.all();
    return filter.token === undefined ? all : all.filter((request) => request.token === filter.token);
  }

  tokenRequests(): readonly RecordedTokenRequest[] {
    return this.tokenCalls.all();
  }

  waitForRequests(count: number, timeoutMs = 5000): Promise<readonly RecordedFcmRequest[]> {
    return this.sends.waitFor(count, timeoutMs, 'FCM sends');
  }

  /** Destroys every connection and stops listening. */
  async close(): Promise<void> {
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
    await closeServer(this.server);
  }

  private attach(): void {
    this.server.on('session', (session) => this.track(session));
    this.server.on('secureConnection', (socket: Socket) => {
      if ((socket as Socket & { alpnProtocol?: string | false }).alpnProtocol !== 'h2') this.track(socket);
    });
    this.server.on('request', (request: Request, response: Response) => {
      this.handle(request, response).catch(() => {
        writeJson(response, 500, { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } });
      });
    });
  }

  private track(connection: Http2Session | Socket): void {
    this.connectionCount += 1;
    this.connectionIds.set(connection, this.connectionCount);
    this.connections.add(connection);
    const events: NodeJS.EventEmitter = connection;
    events.once('close', () => this.connections.delete(connection));
    // A client that vanishes mid-request is its own problem, not the simulator's.
    events.on('error', () => undefined);
  }

  private connectionOf(request: Request): Http2Session | Socket | undefined {
    return 'stream' in request ? request.stream.session : request.socket;
  }

  private async handle(request: Request, response: Response): Promise<void> {
    const body = await readBody(request, KEEP_BODY_BYTES);
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (path === '/token' && request.method === 'POST') {
      await this.handleToken(request, response, body.bytes.toString('utf8'));
      return;
    }
    const send = SEND_PATH.exec(path);
    if (send !== null && request.method === 'POST') {
      this.handleSend(request, response, decodeURIComponent(send[1] ?? ''), body.bytes.toString('utf8'));
      return;
    }
    writeGoogleError(response, notFound(path));
  }

  private async handleToken(request: Request, response: Response, text: string): Promise<void> {
    const contentType = headerOf(request, 'content-type') ?? '';
    const params = contentType.includes('application/json') ? jsonParams(text) : formParams(text);
    const result = await this.issuer.exchange(params, nowSeconds());
    const status = result.ok ? 200 : 400;
    this.tokenCalls.add({
      at: new Date(),
      clientEmail: result.clientEmail,
      status,
      error: result.ok ? undefined : result.body.error,
      scopes: result.scopes,
    });
    writeJson(response, status, result.body, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
  }

  private handleSend(request: Request, response: Response, projectId: string, text: string): void {
    const connection = this.connectionOf(request);
    const base = {
      at: new Date(),
      projectId,
      httpVersion: request.httpVersion === '2.0' ? ('2.0' as const) : ('1.1' as const),
      sessionId: connection === undefined ? 0 : (this.connectionIds.get(connection) ?? 0),
    };
    let parsed: unknown;
    let parseError: GoogleErrorAnswer | undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parseError = protoError(undefined, 'Invalid JSON payload received. Unexpected token.');
    }
    const message = isObject(parsed) ? parsed['message'] : undefined;
    const target = isObject(message) ? message : {};
    const record = (status: number, errorCode: string | undefined, name: string | undefined): void =>
      this.sends.add({
        ...base,
        token: stringOrUndefined(target['token']),
        topic: stringOrUndefined(target['topic']),
        condition: stringOrUndefined(target['condition']),
        message,
        validateOnly: isObject(parsed) && (parsed['validate_only'] === true || parsed['validateOnly'] === true),
        status,
        errorCode,
        name,
      });

    const rejection = this.authorize(headerOf(request, 'authorization'), projectId) ?? parseError;
    const checked = rejection === undefined ? checkSendRequest(parsed) : { ok: false as const, error: rejection };
    if (!checked.ok) {
      writeGoogleError(response, checked.error);
      record(checked.error.httpStatus, checked.error.errorCode, undefined);
      return;
    }

    const script = checked.send.token === undefined ? undefined : this.scripts.take(checked.send.token);
    if (script === undefined) {
      const id = checked.send.validateOnly ? 'fake_message_id' : messageId();
      const name = `projects/${projectId}/messages/${id}`;
      writeJson(response, 200, { name });
      record(200, undefined, name);
    } else if ('goaway' in script) {
      record(0, undefined, undefined);
      dropConnection(request, response);
    } else {
      const answer = fcmError(script.errorCode, script.message);
      const headers: Record<string, string> =
        script.retryAfterSeconds === undefined ? {} : { 'retry-after': String(script.retryAfterSeconds) };
      writeGoogleError(response, answer, headers);
      record(answer.httpStatus, answer.errorCode, undefined);
    }
  }

  /** Bearer access token issued by this simulator, unexpired, for an account of `projectId`, with an FCM scope. */
  private authorize(authorization: string | undefined, projectId: string): GoogleErrorAnswer | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const accessToken = match?.[1];
    if (accessToken === undefined) return unauthenticated('CREDENTIALS_MISSING');
    const issued = this.issuer.lookup(accessToken, nowSeconds());
    if (issued === undefined) return unauthenticated('ACCESS_TOKEN_TYPE_UNSUPPORTED');
    if (issued === 'expired') return unauthenticated('ACCESS_TOKEN_EXPIRED');
    if (issued.projectId !== projectId) return projectPermissionDenied(projectId);
    if (!issued.scopes.some((scope) => FCM_SCOPES.includes(scope))) return insufficientScopes();
    return undefined;
  }
}

function writeJson(
  response: Response,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const allHeaders = { 'content-type': 'application/json; charset=UTF-8', ...headers };
  if ('stream' in response) response.writeHead(status, allHeaders);
  else response.writeHead(status, allHeaders);
  response.end(JSON.stringify(body));
}

function writeGoogleError(
  response: Response,
  answer: GoogleErrorAnswer,
  headers: Readonly<Record<string, string>> = {},
): void {
  writeJson(response, answer.httpStatus, answer.body, { ...answer.headers, ...headers });
}

/**
 * HTTP/2: GOAWAY naming the previous stream as the last one processed (this one was not), then the session ends.
 * HTTP/1.1 has no GOAWAY: the connection is dropped without an answer.
 */
function dropConnection(request: Request, response: Response): void {
  if ('stream' in request) {
    const { stream } = request;
    const session = stream.session;
    if (session !== undefined && !session.destroyed) {
      session.goaway(constants.NGHTTP2_NO_ERROR, Math.max(0, (stream.id ?? 1) - 2));
      stream.close(constants.NGHTTP2_REFUSED_STREAM);
      session.close();
    }
    return;
  }
  response.socket?.destroy();
}

function headerOf(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function formParams(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text));
}

function jsonParams(text: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isObject(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return {};
  }
}

/** FCM's message id shape: `0:<microseconds>%<16 hex>`. */
function messageId(): string {
  return `0:${Date.now()}${String(randomInt(1000)).padStart(3, '0')}%${randomBytes(8).toString('hex')}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
