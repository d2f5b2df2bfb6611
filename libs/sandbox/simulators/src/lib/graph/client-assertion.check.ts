import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type ProtectedHeaderParameters } from 'jose';

/** `client_assertion_type` of a certificate credential (RFC 7523, as the identity platform takes it). */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The identity platform accepts assertions signed with RS256 (SHA-1 thumbprint era) or PS256 (MSAL with SHA-256). */
const ALGORITHMS = ['RS256', 'PS256'];
/** Clock skew the identity platform tolerates on `nbf` and `exp`. */
const CLOCK_TOLERANCE_SECONDS = 300;

/** A certificate registered on an app: the key that verifies assertions and the thumbprints that name it. */
export interface RegisteredCertificate {
  readonly publicKey: KeyObject;
  /** base64url SHA-1 of the DER certificate: the `x5t` header. */
  readonly x5t: string;
  /** base64url SHA-256 of the DER certificate: the `x5t#S256` header. */
  readonly x5tS256: string;
}

/** What an assertion must claim: `iss` = `sub` = the client id, `aud` = the token endpoint it was posted to. */
export interface ExpectedAssertion {
  readonly clientId: string;
  /** The token endpoint's URL as the client may know it (the simulator's URL, or the Host it dialled). */
  readonly audiences: readonly string[];
  readonly certificate: RegisteredCertificate;
}

/** `ok`, or the identity platform's `error_description` (its error is `invalid_client`). */
export type AssertionCheck = { readonly ok: true } | { readonly ok: false; readonly description: string };

/** Parses the PEM certificate of an app registration; throws naming `certificatePem` when it is not one. */
export function registerCertificate(certificatePem: string): RegisteredCertificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch (error) {
    throw new Error(`certificatePem: not a PEM X.509 certificate (${(error as Error).message})`);
  }
  const { publicKey } = certificate;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`certificatePem: the key must be RSA (got ${publicKey.asymmetricKeyType ?? 'unknown'})`);
  }
  return {
    publicKey,
    x5t: createHash('sha1').update(certificate.raw).digest('base64url'),
    x5tS256: createHash('sha256').update(certificate.raw).digest('base64url'),
  };
}

/**
 * Verifies a `client_assertion` as the identity platform does for a certificate credential: a JWT whose header
 * names the registered certificate by thumbprint, signed by its key, issued by and about the client, addressed
 * to the token endpoint and current. Answers Entra ID's descriptions (AADSTS codes) for what is wrong.
 */
export async function checkClientAssertion(assertion: string, expected: ExpectedAssertion): Promise<AssertionCheck> {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    return refused('AADSTS50027: JWT token is invalid or malformed.');
  }
  if (typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg)) {
    return refused(`AADSTS5002738: Invalid JWT token. '${String(header.alg)}' is not a supported signature algorithm.`);
  }
  const thumbprint = thumbprintOf(header);
  const { certificate } = expected;
  const registered = thumbprint?.kind === 'x5t#S256' ? certificate.x5tS256 : certificate.x5t;
  if (thumbprint === undefined || thumbprint.value !== registered) {
    const used = thumbprint === undefined ? 'none' : hex(thumbprint.value);
    return refused(
      'AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on ' +
        `application. [Reason - The key was not found., Thumbprint of key used by client: '${used}']`,
    );
  }
  try {
    await jwtVerify(assertion, certificate.publicKey, {
      algorithms: ALGORITHMS,
      requiredClaims: ['iss', 'sub', 'aud', 'exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
  } catch (error) {
    if (
      error instanceof errors.JWTExpired ||
      (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf')
    ) {
      return refused('AADSTS700024: Client assertion is not within its valid time range.');
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return refused('AADSTS700027: Client assertion failed signature validation.');
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      return refused(`AADSTS50027: JWT token is invalid or malformed. [${error.claim}: ${error.message}]`);
    }
    return refused('AADSTS50027: JWT token is invalid or malformed.');
  }
  // Claims are read only once the signature holds.
  const claims = decodeJwt(assertion);
  if (claims.iss !== expected.clientId || claims.sub !== expected.clientId) {
    return refused("AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter.");
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud ?? ''];
  const accepted = expected.audiences.map((audience) => audience.toLowerCase());
  if (!audiences.some((audience) => accepted.includes(audience.toLowerCase()))) {
    return refused(
      `AADSTS700023: Client assertion audience claim does not match Realm issuer. [aud: ${JSON.stringify(claims.aud)}]`,
    );
  }
  return { ok: true };
}

function thumbprintOf(header: ProtectedHeaderParameters): { kind: 'x5t' | 'x5t#S256'; value: string } | undefined {
  const sha256 = header['x5t#S256'];
  if (typeof sha256 === 'string') return { kind: 'x5t#S256', value: sha256 };
  const sha1 = header.x5t;
  if (typeof sha1 === 'string') return { kind: 'x5t', value: sha1 };
  return undefined;
}

/** Entra ID prints thumbprints as upper-case hex. */
function hex(base64url: string): string {
  return Buffer.from(base64url, 'base64url').toString('hex').toUpperCase();
}

function refused(description: string): AssertionCheck {
  return { ok: false, description };
}
