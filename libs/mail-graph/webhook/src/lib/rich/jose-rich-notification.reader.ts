import { constants, createDecipheriv, createHmac, privateDecrypt, timingSafeEqual } from 'node:crypto';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { GraphResourceData } from '@mailpush/contracts';
import { createRemoteJWKSet, customFetch, jwtVerify, type FetchImplementation, type JWTVerifyGetKey } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import type { DecryptionKey } from './encryption-certificate';
import { toGraphResourceData } from './graph-resource-data';
import { RichContentError, RichNotificationReader, type EncryptedContent } from './rich-notification.reader.port';

/** The app Graph's change-notification tokens name as `appid`: Graph's notification publisher. */
export const GRAPH_NOTIFICATION_PUBLISHER_APP_ID = '0bf30f3b-4a52-48df-9a82-234910c4a086';

export interface JoseRichNotificationReaderOptions {
  /** Our app (client) ids: every token's `aud` must be one of them. */
  readonly clientIds: readonly string[];
  /**
   * Tenants whose tokens are accepted (issuer `https://sts.windows.net/{tenantId}/`). Empty or omitted: any
   * tenant GUID, for a multi-tenant app; a token still needs Microsoft's signature and one of our app ids as
   * `aud`, which Graph only issues for subscriptions our app created.
   */
  readonly tenantIds?: readonly string[];
  /** The identity platform (`GRAPH_AUTHORITY_HOST`); keys come from `{authorityHost}/common/discovery/v2.0/keys`. */
  readonly authorityHost?: string;
  /** Overrides the key set URL derived from `authorityHost`. */
  readonly jwksUrl?: string;
  /** Extra CA certificates (PEM) trusted, besides the system's roots, for the key set host (a local simulator). */
  readonly caPem?: string;
  /** Keys by certificate id; more than one while a certificate is rotated (old notifications still arrive). */
  readonly decryptionKeys: readonly DecryptionKey[];
  /** Clock skew allowed on `exp` and `nbf`; default 60 s. */
  readonly clockToleranceSeconds?: number;
  /** Deadline of a key set download; default 5 s. */
  readonly jwksTimeoutMs?: number;
}

const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
const GUID = String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;
const TENANT_ID = new RegExp(`^${GUID}$`, 'i');
const ISSUER = new RegExp(String.raw`^https:\/\/sts\.windows\.net\/(${GUID})\/$`, 'i');
/** Graph sends one token per app and tenant of a POST; more than this is not a Graph POST. */
const MAX_TOKENS = 100;
const AES_KEY_BYTES = 32;
const IV_BYTES = 16;

/**
 * Reads rich notifications with jose and node:crypto. Tokens are checked against the identity platform's key
 * set, fetched once and cached by jose (a new `kid` fetches again, at most once per cooldown). Content is
 * decrypted as Microsoft documents it: RSA-OAEP (SHA-1) for the key, HMAC-SHA256 over the ciphertext, then
 * AES-256-CBC with PKCS7 and the key's first 16 bytes as IV.
 */
export class JoseRichNotificationReader extends RichNotificationReader {
  private readonly keys: JWTVerifyGetKey;
  private readonly agent: Agent | undefined;
  private readonly clientIds: readonly string[];
  private readonly tenantIds: ReadonlySet<string>;
  private readonly decryptionKeys: ReadonlyMap<string, DecryptionKey>;
  private readonly clockTolerance: number;

  constructor(options: JoseRichNotificationReaderOptions) {
    super();
    if (options.clientIds.length === 0) throw new Error('clientIds: at least one app (client) id is required');
    if (options.decryptionKeys.length === 0) throw new Error('decryptionKeys: at least one key is required');
    const notGuid = (options.tenantIds ?? []).filter((tenant) => !TENANT_ID.test(tenant));
    if (notGuid.length > 0) throw new Error(`tenantIds: '${notGuid.join("', '")}' is not a tenant GUID`);
    // Graph writes app ids in lower case; configuration may not.
    this.clientIds = [...new Set(options.clientIds.flatMap((id) => [id, id.toLowerCase()]))];
    this.tenantIds = new Set((options.tenantIds ?? []).map((tenant) => tenant.toLowerCase()));
    this.decryptionKeys = new Map(options.decryptionKeys.map((key) => [key.certificateId, key]));
    this.clockTolerance = options.clockToleranceSeconds ?? 60;
    const authority = (options.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
    const jwksUrl = new URL(options.jwksUrl ?? `${authority}/common/discovery/v2.0/keys`);
    this.agent =
      options.caPem === undefined
        ? undefined
        : new Agent({ connect: { secureContext: createSecureContext({ ca: [...rootCertificates, options.caPem] }) } });
    this.keys = createRemoteJWKSet(jwksUrl, {
      timeoutDuration: options.jwksTimeoutMs ?? 5_000,
      ...(this.agent === undefined ? {} : { [customFetch]: fetchThrough(this.agent) }),
    });
  }

  async verifyTokens(tokens: readonly string[]): Promise<boolean> {
    if (tokens.length === 0 || tokens.length > MAX_TOKENS) return false;
    const results = await Promise.all([...new Set(tokens)].map((token) => this.verifyToken(token)));
    return results.every(Boolean);
  }

  decrypt(content: EncryptedContent): GraphResourceData {
    const entry = this.decryptionKeys.get(content.encryptionCertificateId);
    if (entry === undefined) {
      throw new RichContentError(
        `encryptionCertificateId: no key for certificate '${content.encryptionCertificateId}'`,
      );
    }
    const thumbprint = content.encryptionCertificateThumbprint;
    if (entry.thumbprint !== undefined && thumbprint !== '' && !sameHex(thumbprint, entry.thumbprint)) {
      throw new RichContentError(
        `encryptionCertificateThumbprint: does not match certificate '${content.encryptionCertificateId}'`,
      );
    }
    const key = unwrapKey(content.dataKey, entry);
    const data = Buffer.from(content.data, 'base64');
    const expected = createHmac('sha256', key).update(data).digest();
    const signature = Buffer.from(content.dataSignature, 'base64');
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new RichContentError('dataSignature: does not match the data');
    }
    let json: unknown;
    try {
      const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, IV_BYTES));
      json = JSON.parse(Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8'));
    } catch {
      throw new RichContentError('data: cannot be decrypted to JSON');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new RichContentError('data: is not a JSON object');
    }
    return toGraphResourceData(json as Record<string, unknown>);
  }

  /** Closes the connections of the key set downloads made with a custom CA. */
  async onApplicationShutdown(): Promise<void> {
    await this.agent?.close();
  }

  private async verifyToken(token: string): Promise<boolean> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        algorithms: ['RS256'],
        audience: [...this.clientIds],
        clockTolerance: this.clockTolerance,
        requiredClaims: ['exp', 'iss', 'aud'],
      });
      const tenant = ISSUER.exec(payload.iss ?? '')?.[1]?.toLowerCase();
      if (tenant === undefined || (this.tenantIds.size > 0 && !this.tenantIds.has(tenant))) return false;
      if (payload['tid'] !== undefined && String(payload['tid']).toLowerCase() !== tenant) return false;
      return payload['appid'] === GRAPH_NOTIFICATION_PUBLISHER_APP_ID;
    } catch {
      // Bad signature, unknown key, expired, wrong audience, or the key set could not be fetched.
      return false;
    }
  }
}

/** The symmetric key: `dataKey` RSA-OAEP (SHA-1) decrypted with the certificate's private key. */
function unwrapKey(dataKey: string, entry: DecryptionKey): Buffer {
  let key: Buffer;
  try {
    key = privateDecrypt(
      { key: entry.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(dataKey, 'base64'),
    );
  } catch {
    throw new RichContentError(`dataKey: cannot be decrypted with certificate '${entry.certificateId}'`);
  }
  if (key.length !== AES_KEY_BYTES) {
    throw new RichContentError(`dataKey: holds ${key.length} bytes, not a ${AES_KEY_BYTES}-byte key`);
  }
  return key;
}

function sameHex(a: string, b: string): boolean {
  return a.replaceAll(':', '').toLowerCase() === b.replaceAll(':', '').toLowerCase();
}

/** jose downloads the key set with fetch; undici's fetch takes the agent that trusts the extra CA. */
function fetchThrough(agent: Agent): FetchImplementation {
  return async (url, options) => {
    const response = await undiciFetch(url, { ...options, dispatcher: agent });
    return response as unknown as Response;
  };
}
