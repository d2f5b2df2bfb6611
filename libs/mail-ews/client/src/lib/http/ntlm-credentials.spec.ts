import { ntlmAccountName, ntlmCredentials } from './ntlm-credentials';

describe(ntlmCredentials.name, () => {
  it.each([
    ['CONTOSO\\svc-mailpush', { user: 'svc-mailpush', domain: 'CONTOSO' }],
    ['svc-mailpush@contoso.local', { user: 'svc-mailpush', domain: 'contoso.local' }],
    ['svc-mailpush', { user: 'svc-mailpush' }],
    ['\\odd', { user: '\\odd' }],
  ])('splits %s', (username, expected) => {
    expect(ntlmCredentials(username, 'pw')).toEqual({ ...expected, password: 'pw' });
  });

  it('names the account without the password', () => {
    expect(ntlmAccountName(ntlmCredentials('CONTOSO\\svc', 'secret'))).toBe('CONTOSO\\svc');
  });
});
