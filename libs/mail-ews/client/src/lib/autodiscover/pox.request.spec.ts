import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseXml } from '../xml/xml.reader';
import { POX_REQUEST_NS, poxRequest } from './pox.request';

describe(poxRequest.name, () => {
  it('is the protocol reference request', () => {
    const fixture = parseXml(readFileSync(join(__dirname, 'fixtures', 'pox.request.xml'), 'utf8'));

    const sut = parseXml(poxRequest('mara@contoso.com'));

    expect(sut).toMatchObject({ ns: POX_REQUEST_NS, local: 'Autodiscover' });
    expect(sut.path('Request', 'EMailAddress')?.text).toBe(fixture.path('Request', 'EMailAddress')?.text);
    expect(sut.path('Request', 'AcceptableResponseSchema')?.text).toBe(
      fixture.path('Request', 'AcceptableResponseSchema')?.text.trim(),
    );
    expect(sut.descendants('EMailAddress')[0]?.ns).toBe(POX_REQUEST_NS);
  });

  it('escapes the address', () => {
    expect(parseXml(poxRequest('a&b@x.com')).path('Request', 'EMailAddress')?.text).toBe('a&b@x.com');
  });
});
