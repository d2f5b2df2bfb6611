import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGetUserSettingsResponse } from './get-user-settings.response';

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe(readGetUserSettingsResponse.name, () => {
  it('reads ExternalEwsUrl, InternalEwsUrl and GroupingInformation', () => {
    expect(readGetUserSettingsResponse(fixture('get-user-settings.response.xml'))).toEqual({
      kind: 'settings',
      ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx',
      externalEwsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx',
      internalEwsUrl: 'https://exch01.corp.contoso.com/EWS/Exchange.asmx',
      groupingInformation: 'CONTOSO-1',
    });
  });

  it('falls back to InternalEwsUrl and an empty GroupingInformation (Exchange 2010)', () => {
    const body = fixture('get-user-settings.response.xml')
      .replace(/<UserSetting i:type="StringSetting">\s*<Name>ExternalEwsUrl<\/Name>[\s\S]*?<\/UserSetting>/, '')
      .replace(/<UserSetting i:type="StringSetting">\s*<Name>GroupingInformation<\/Name>[\s\S]*?<\/UserSetting>/, '');

    expect(readGetUserSettingsResponse(body)).toEqual({
      kind: 'settings',
      ewsUrl: 'https://exch01.corp.contoso.com/EWS/Exchange.asmx',
      internalEwsUrl: 'https://exch01.corp.contoso.com/EWS/Exchange.asmx',
      groupingInformation: '',
    });
  });

  it('reads the https:// spelling of the Autodiscover namespace alike', () => {
    const body = fixture('get-user-settings.response.xml').replaceAll(
      'http://schemas.microsoft.com/exchange/2010/Autodiscover',
      'https://schemas.microsoft.com/exchange/2010/Autodiscover',
    );

    expect(readGetUserSettingsResponse(body)).toMatchObject({ kind: 'settings', groupingInformation: 'CONTOSO-1' });
  });

  it.each([
    [
      'get-user-settings.redirect-address.response.xml',
      { kind: 'redirect-address', target: 'mara@contoso.mail.onmicrosoft.com' },
    ],
    [
      'get-user-settings.redirect-url.response.xml',
      { kind: 'redirect-url', target: 'https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc' },
    ],
    [
      'get-user-settings.invalid-user.response.xml',
      { kind: 'invalid-user', detail: "InvalidUser: Invalid user: 'nobody@contoso.com'" },
    ],
  ])('reads the UserResponse ErrorCode of %s', (name, expected) => {
    expect(readGetUserSettingsResponse(fixture(name))).toEqual(expected);
  });

  it('honours an ErrorCode at Response level before the users', () => {
    const body = fixture('get-user-settings.response.xml').replace(
      '<ErrorCode>NoError</ErrorCode>\n        <ErrorMessage />',
      '<ErrorCode>InvalidRequest</ErrorCode><ErrorMessage>No users were specified.</ErrorMessage>',
    );

    expect(readGetUserSettingsResponse(body)).toEqual({
      kind: 'unusable',
      detail: 'InvalidRequest: No users were specified.',
      autodiscover: true,
    });
  });

  it('treats a redirect without a RedirectTarget as unusable', () => {
    const body = fixture('get-user-settings.redirect-address.response.xml').replace(
      /<RedirectTarget>.*<\/RedirectTarget>/,
      '<RedirectTarget i:nil="true" />',
    );

    expect(readGetUserSettingsResponse(body)).toMatchObject({
      kind: 'unusable',
      detail: expect.stringMatching(/without a RedirectTarget/) as unknown,
    });
  });

  it.each([
    [
      'settings without an EWS URL',
      fixture('get-user-settings.response.xml').replace(/<UserSettings>[\s\S]*<\/UserSettings>/, '<UserSettings />'),
      true,
    ],
    [
      'a SOAP fault',
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>bad action</faultstring></s:Fault></s:Body></s:Envelope>',
      true,
    ],
    ['an HTML login page', '<html><body><p>Sign in</p></body></html>', false],
    ['not XML', 'Service Unavailable', false],
    [
      'another SOAP message',
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x/></s:Body></s:Envelope>',
      false,
    ],
  ])('finds nothing usable in %s', (_case, body, autodiscover) => {
    expect(readGetUserSettingsResponse(body)).toMatchObject({ kind: 'unusable', autodiscover });
  });
});
