import { errors } from 'jose';
import { AuthenticationError } from './authentication.error';
import { TokenVerificationUnavailableError } from './token-verification-unavailable.error';

/**
 * What a failed `jwtVerify` means for the caller: the token's fault (401, with a reason that never echoes
 * the token) or the key source's (503: the identity provider's key set could not be fetched or read).
 */
export function classifyTokenError(error: unknown): AuthenticationError | TokenVerificationUnavailableError {
  if (error instanceof errors.JWTExpired) return new AuthenticationError('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthenticationError(`the token's ${error.claim} claim is not accepted (${error.reason})`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthenticationError('the token signature is not valid');
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthenticationError('the token was not signed by a key of the identity provider');
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new AuthenticationError('the token signing algorithm is not accepted (RS256, ES256 or PS256)');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JWKInvalid) {
    return new AuthenticationError('the token is malformed');
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new TokenVerificationUnavailableError(`the identity provider's signing keys are unavailable: ${reason}`);
}
