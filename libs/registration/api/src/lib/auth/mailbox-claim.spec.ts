import { AuthenticationError } from './authentication.error';
import { mailboxFromClaims } from './mailbox-claim';

const CLAIMS = ['upn', 'preferred_username', 'email'];

describe(mailboxFromClaims.name, () => {
  it('takes the first configured claim that is present, lower-cased', () => {
    const claims = { preferred_username: 'Ada.Lovelace@Contoso.COM', email: 'other@contoso.com' };

    expect(mailboxFromClaims(claims, CLAIMS)).toBe('ada.lovelace@contoso.com');
  });

  it('follows the configured order, not the order of the token', () => {
    const claims = { email: 'mail@contoso.com', upn: 'upn@contoso.com' };

    expect(mailboxFromClaims(claims, CLAIMS)).toBe('upn@contoso.com');
    expect(mailboxFromClaims(claims, ['email', 'upn'])).toBe('mail@contoso.com');
  });

  it('skips claims that are absent, null or empty', () => {
    expect(mailboxFromClaims({ upn: null, preferred_username: '', email: 'e@contoso.com' }, CLAIMS)).toBe(
      'e@contoso.com',
    );
  });

  it('refuses when the first present claim is not an email address, without falling back to a later one', () => {
    const claims = { upn: 'CONTOSO\\ada', email: 'ada@contoso.com' };

    expect(() => mailboxFromClaims(claims, CLAIMS)).toThrow(
      new AuthenticationError("the token's upn claim is not an email address"),
    );
  });

  it.each([
    ['ada'],
    ['ada@'],
    ['@contoso.com'],
    ['ada@contoso'],
    ['a da@contoso.com'],
    [`${'a'.repeat(65)}@contoso.com`],
  ])('refuses %j as a mailbox', (value) => {
    expect(() => mailboxFromClaims({ email: value }, CLAIMS)).toThrow(AuthenticationError);
  });

  it('refuses a claim that is not a string', () => {
    expect(() => mailboxFromClaims({ upn: ['ada@contoso.com'] }, CLAIMS)).toThrow(
      new AuthenticationError("the token's upn claim is not a string"),
    );
  });

  it('refuses a token without any of the claims, naming them', () => {
    expect(() => mailboxFromClaims({ sub: 'abc' }, CLAIMS)).toThrow(
      new AuthenticationError('the token has none of the claims upn, preferred_username, email naming a mailbox'),
    );
  });
});
