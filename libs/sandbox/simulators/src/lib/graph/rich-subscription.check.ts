import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import type { Checked } from './subscription-request.check';

/** Graph's maximum lifetime of an Outlook subscription with resource data (`includeResourceData`). */
export const MAX_RICH_SUBSCRIPTION_MINUTES = 1440;
const MAX_CERTIFICATE_ID_LENGTH = 128;
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 4096;
/** Query options Graph refuses in the resource of an Outlook subscription with resource data. */
const REFUSED_OPTIONS = new Set(['$top', '$skip', '$orderby', '$expand']);
const REFUSED_SELECT = new Set(['body', 'uniquebody']);

/** What a subscription with resource data needs to encrypt each notification item. */
export interface ResourceDataEncryption {
  /** The certificate as the subscriber sent it (base64 DER), returned in the subscription. */
  readonly certificate: string;
  readonly certificateId: string;
  readonly publicKey: KeyObject;
  /** SHA-1 of the DER certificate, upper-case hex, as Graph puts it in `encryptionCertificateThumbprint`. */
  readonly thumbprint: string;
  /** The resource's `$select`: the message properties each item carries. */
  readonly select: string;
}

/**
 * The rich part of a `POST /subscriptions` body: an RSA (2,048 to 4,096 bits) X.509 certificate, its id
 * (at most 128 characters) and a `$select` in the resource's query, without the options Graph refuses there.
 */
export function checkResourceData(
  fields: Readonly<Record<string, unknown>>,
  resourceQuery: string,
): Checked<ResourceDataEncryption> {
  const select = checkResourceQuery(resourceQuery);
  if (!select.ok) return select;
  const certificate = checkEncryptionCertificate(fields['encryptionCertificate'], fields['encryptionCertificateId']);
  if (!certificate.ok) return certificate;
  return { ok: true, value: { ...certificate.value, select: select.value } };
}

/** `encryptionCertificate` and `encryptionCertificateId`, on creation or when a PATCH rotates the key. */
export function checkEncryptionCertificate(
  certificate: unknown,
  certificateId: unknown,
): Checked<Omit<ResourceDataEncryption, 'select'>> {
  if (typeof certificate !== 'string' || certificate.trim() === '') {
    return fail('encryptionCertificate: is required when includeResourceData is true.');
  }
  if (typeof certificateId !== 'string' || certificateId.trim() === '') {
    return fail('encryptionCertificateId: is required when includeResourceData is true.');
  }
  if (certificateId.length > MAX_CERTIFICATE_ID_LENGTH) {
    return fail(
      `encryptionCertificateId: must be at most ${MAX_CERTIFICATE_ID_LENGTH} characters (got ${certificateId.length}).`,
    );
  }
  const der = decodeBase64(certificate);
  let x509: X509Certificate | undefined;
  try {
    x509 = der === undefined ? undefined : new X509Certificate(der);
  } catch {
    x509 = undefined;
  }
  if (der === undefined || x509 === undefined) {
    return fail('encryptionCertificate: Certificate validation error: Cannot find the requested object.');
  }
  const { publicKey } = x509;
  const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (publicKey.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
    const got = publicKey.asymmetricKeyType === 'rsa' ? `${bits}-bit RSA` : (publicKey.asymmetricKeyType ?? 'unknown');
    return fail(`encryptionCertificate: the key must be RSA of ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits (got ${got}).`);
  }
  return {
    ok: true,
    value: {
      certificate,
      certificateId,
      publicKey,
      thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    },
  };
}

/** The `$select` of `resource`; Graph requires one for Outlook resources with resource data. */
function checkResourceQuery(query: string): Checked<string> {
  const options = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(query)) options.set(name.toLowerCase(), value);
  const refused = [...options.keys()].filter((name) => REFUSED_OPTIONS.has(name));
  if (refused.length > 0) {
    return fail(`resource: ${refused.join(', ')} is not supported for subscriptions with resource data.`);
  }
  const other = [...options.keys()].filter((name) => name !== '$select');
  if (other.length > 0) return fail(`resource: ${other.join(', ')} is not supported by the simulator.`);
  const select = options.get('$select');
  if (select === undefined || select.trim() === '') {
    return fail('resource: must carry $select=... when includeResourceData is true (Outlook resources).');
  }
  const properties = select.split(',').map((name) => name.trim().toLowerCase());
  const body = properties.filter((name) => REFUSED_SELECT.has(name));
  if (body.length > 0) return fail(`resource: $select of ${body.join(', ')} is not supported with resource data.`);
  return { ok: true, value: select };
}

function decodeBase64(value: string): Buffer | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}
