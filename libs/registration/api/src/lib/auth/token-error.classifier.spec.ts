import { errors } from 'jose';
import { AuthenticationError } from './authentication.error';
import { classifyTokenError } from './token-error.classifier';
import { TokenVerificationUnavailableError } from './token-verification-unavailable.error';

describe(classifyTokenError.name, () => {
  it.each([
    [new errors.JWTExpired('"exp" claim timestamp check failed', {}), 'the token has expired'],
    [
      new errors.JWTClaimValidationFailed('unexpected "iss" claim value', {}, 'iss', 'check_failed'),
      "the token's iss claim is not accepted (check_failed)",
    ],
    [new errors.JWSSignatureVerificationFailed(), 'the token signature is not valid'],
    [new errors.JWKSNoMatchingKey(), 'the token was not signed by a key of the identity provider'],
    [
      new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed'),
      'the token signing algorithm is not accepted (RS256, ES256 or PS256)',
    ],
    [new errors.JWSInvalid('Invalid Compact JWS'), 'the token is malformed'],
    [new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object'), 'the token is malformed'],
  ])('blames the token for %p (401)', (error, reason) => {
    expect(classifyTokenError(error)).toEqual(new AuthenticationError(reason));
  });

  it.each([
    [new errors.JWKSTimeout()],
    [new errors.JWKSInvalid('JSON Web Key Set malformed')],
    [new errors.JOSEError('Expected 200 OK from the JSON Web Key Set HTTP response')],
    [new TypeError('fetch failed')],
  ])('blames the key source for %p (503)', (error) => {
    expect(classifyTokenError(error)).toBeInstanceOf(TokenVerificationUnavailableError);
  });
});
