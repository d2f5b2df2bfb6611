import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPoxResponse } from './pox.response';

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe(readPoxResponse.name, () => {
  it('reads EXPR as external and EXCH as internal, with GroupingInformation', () => {
    expect(readPoxResponse(fixture('pox.response.xml'))).toEqual({
      kind: 'settings',
      ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx',
      externalEwsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx',
      internalEwsUrl: 'https://exch01.corp.contoso.com/EWS/Exchange.asmx',
      groupingInformation: 'CONTOSO-1',
    });
  });

  it('uses EXCH alone, without GroupingInformation, when there is no EXPR', () => {
    const body = fixture('pox.response.xml')
      .replace(/<Protocol>\s*<Type>EXPR<\/Type>[\s\S]*?<\/Protocol>/, '')
      .replaceAll(/<GroupingInformation>.*<\/GroupingInformation>/g, '');

    expect(readPoxResponse(body)).toEqual({
      kind: 'settings',
      ewsUrl: 'https://exch01.corp.contoso.com/EWS/Exchange.asmx',
      internalEwsUrl: 'https://exch01.corp.contoso.com/EWS/Exchange.asmx',
      groupingInformation: '',
    });
  });

  it.each([
    ['pox.redirect-addr.response.xml', { kind: 'redirect-address', target: 'mara@contoso.mail.onmicrosoft.com' }],
    [
      'pox.redirect-url.response.xml',
      { kind: 'redirect-url', target: 'https://autodiscover.fabrikam.com/autodiscover/autodiscover.xml' },
    ],
    ['pox.error.response.xml', { kind: 'invalid-user', detail: 'POX error 500: The e-mail address cannot be found.' }],
  ])('reads %s', (name, expected) => {
    expect(readPoxResponse(fixture(name))).toEqual(expected);
  });

  it.each([
    ['another POX error', fixture('pox.error.response.xml').replace('>500<', '>601<'), true],
    ['settings without EwsUrl', fixture('pox.response.xml').replaceAll(/<EwsUrl>.*<\/EwsUrl>/g, ''), true],
    [
      'redirectAddr without RedirectAddr',
      fixture('pox.redirect-addr.response.xml').replace(/<RedirectAddr>.*<\/RedirectAddr>/, ''),
      true,
    ],
    [
      'an unknown Action',
      fixture('pox.redirect-url.response.xml').replace('>redirectUrl</Action>', '>dance</Action>'),
      true,
    ],
    ['an HTML page', '<html><body>It works!</body></html>', false],
    ['not XML', 'Bad Gateway', false],
  ])('finds nothing usable in %s', (_case, body, autodiscover) => {
    expect(readPoxResponse(body)).toMatchObject({ kind: 'unusable', autodiscover });
  });
});
