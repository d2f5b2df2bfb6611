/**
 * Tokens cannot be verified right now (the identity provider's key set cannot be fetched or is malformed).
 * Answered 503, not 401: the caller's token may well be fine, and a 401 would make devices discard it.
 */
export class TokenVerificationUnavailableError extends Error {
  override readonly name = 'TokenVerificationUnavailableError';
}
