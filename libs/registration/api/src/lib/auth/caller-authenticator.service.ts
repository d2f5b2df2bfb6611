import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { RegistrationSettings } from '../registration.settings';
import { readBearerToken } from './bearer-token';
import type { Caller } from './caller';
import { mailboxFromClaims } from './mailbox-claim';
import { classifyTokenError } from './token-error.classifier';

/** Asymmetric algorithms only: a shared-secret (HS*) token could be minted by anyone holding the secret. */
const ALGORITHMS = ['RS256', 'ES256', 'PS256'];
const CLOCK_TOLERANCE_SECONDS = 30;
const JWKS_TIMEOUT_MS = 5_000;

/**
 * Verifies device bearer tokens against the identity provider's JWKS. The key set is fetched once and
 * cached; a token signed with an unknown `kid` (key rotation) makes it fetch again, at most once per
 * cooldown, so a flood of made-up key ids cannot hammer the identity provider.
 */
@Injectable()
export class CallerAuthenticator {
  private readonly keys: JWTVerifyGetKey;

  constructor(@Inject(RegistrationSettings) private readonly settings: RegistrationSettings) {
    this.keys = createRemoteJWKSet(settings.auth.jwksUrl, {
      cooldownDuration: settings.auth.jwksCooldownMs,
      cacheMaxAge: settings.auth.jwksCacheMaxAgeMs,
      timeoutDuration: JWKS_TIMEOUT_MS,
    });
  }

  /**
   * The caller of a request, from its `Authorization` header. Throws `AuthenticationError` (401) or
   * `TokenVerificationUnavailableError` (503).
   */
  async authenticate(authorization: string | undefined): Promise<Caller> {
    const token = readBearerToken(authorization);
    const { issuer, audience, mailboxClaims } = this.settings.auth;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer,
        audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw classifyTokenError(error);
    }
    return { mailbox: mailboxFromClaims(payload, mailboxClaims) };
  }
}
