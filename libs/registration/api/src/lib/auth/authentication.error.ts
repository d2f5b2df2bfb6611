/**
 * The caller is not authenticated: no bearer token, or one that is invalid, expired, for another issuer or
 * audience, or without a usable mailbox claim. The reason is safe to show; it never contains the token.
 */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
}
