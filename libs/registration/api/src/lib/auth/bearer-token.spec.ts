import { AuthenticationError } from './authentication.error';
import { readBearerToken } from './bearer-token';

describe(readBearerToken.name, () => {
  it('reads the token of a bearer header, whatever the case of the scheme', () => {
    expect(readBearerToken('Bearer abc.def-_.ghi')).toBe('abc.def-_.ghi');
    expect(readBearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it.each([[undefined], [''], ['   ']])('refuses a missing header (%j)', (header) => {
    expect(() => readBearerToken(header)).toThrow(
      new AuthenticationError('no bearer token: send Authorization: Bearer <token>'),
    );
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer a b'], ['Bearer "quoted"']])('refuses %j', (header) => {
    expect(() => readBearerToken(header)).toThrow(
      new AuthenticationError('the Authorization header is not a bearer token'),
    );
  });

  it('refuses an absurdly long token before any work is done on it', () => {
    expect(() => readBearerToken(`Bearer ${'a'.repeat(20_000)}`)).toThrow(
      new AuthenticationError('the bearer token is too long'),
    );
  });
});
