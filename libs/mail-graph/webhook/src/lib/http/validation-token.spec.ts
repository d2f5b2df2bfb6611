import { validationTokenOf } from './validation-token';

describe(validationTokenOf.name, () => {
  it.each([
    ['a plain token', 'abc123', 'abc123'],
    ['a plus sent as %2B', 'a%2Bb', 'a+b'],
    ['a percent sign sent as %25', '100%25', '100%'],
    ['a space sent as %20', 'a%20b', 'a b'],
    ['a space sent as +', 'a+b', 'a b'],
    ['non-ASCII as percent-encoded UTF-8', '%C3%BCn%C3%AFc%C3%B8d%C3%A9%20%E2%9C%93', 'ünïcødé ✓'],
    ['reserved characters', '%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2C%3B%3D', ":/?#[]@!$&'()*,;="],
    ['an empty token', '', ''],
  ])('decodes %s', (_name, encoded, decoded) => {
    expect(validationTokenOf(`/notificationClient?validationToken=${encoded}`)).toBe(decoded);
  });

  it('round-trips what encodeURIComponent encoded, as Graph sends it', () => {
    const token = `Validation: Testing client application reachability for subscription Request-Id: 1 +%20 100% ünïcødé ✓ a/b+c==`;

    expect(validationTokenOf(`/notificationClient?validationToken=${encodeURIComponent(token)}`)).toBe(token);
  });

  it('keeps a stray percent sign instead of failing', () => {
    expect(validationTokenOf('/notificationClient?validationToken=100%zz')).toBe('100%zz');
  });

  it('finds the token among other query parameters (a routing key in the notification URL)', () => {
    expect(validationTokenOf('/notificationClient?tenant=contoso&validationToken=x%2By')).toBe('x+y');
  });

  it('is undefined for a notification POST', () => {
    expect(validationTokenOf('/notificationClient')).toBeUndefined();
    expect(validationTokenOf('/notificationClient?tenant=contoso')).toBeUndefined();
    expect(validationTokenOf(undefined)).toBeUndefined();
  });
});
