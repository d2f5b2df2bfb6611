import { AuthenticationError } from './authentication.error';

/** RFC 6750 `b64token`, which a compact JWS always is. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
/** Far above any real identity-provider token; bounds the work spent on garbage. */
const MAX_TOKEN_LENGTH = 16_384;

/** The token of an `Authorization: Bearer <token>` header; throws `AuthenticationError` when there is none. */
export function readBearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim().length === 0) {
    throw new AuthenticationError('no bearer token: send Authorization: Bearer <token>');
  }
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) throw new AuthenticationError('the Authorization header is not a bearer token');
  if (token.length > MAX_TOKEN_LENGTH) throw new AuthenticationError('the bearer token is too long');
  return token;
}
