import { EwsError } from '../ews-api.port';
import { MESSAGES_NS, SOAP_NS, TYPES_NS } from './namespaces';
import { parseXml } from './xml.reader';

describe(parseXml.name, () => {
  const document = `<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="${SOAP_NS}" xmlns:t="${TYPES_NS}">
  <s:Body>
    <GetItemResponse xmlns="${MESSAGES_NS}">
      <t:Subject>Tom &amp; Jerry <![CDATA[<raw>]]></t:Subject>
      <t:ItemId Id="AAA=" ChangeKey="CQ==" />
      <t:ItemId Id="BBB=" />
    </GetItemResponse>
  </s:Body>
</s:Envelope>`;

  it('gives namespaces, local names, attributes by local name and text', () => {
    const sut = parseXml(document);

    expect(sut).toMatchObject({ ns: SOAP_NS, local: 'Envelope', attrs: {} });
    const response = sut.path('Body', 'GetItemResponse');
    expect(response?.ns).toBe(MESSAGES_NS);
    expect(response?.textOf('Subject')).toBe('Tom & Jerry <raw>');
    expect(response?.child('Subject', TYPES_NS)?.ns).toBe(TYPES_NS);
    expect(response?.child('Subject', MESSAGES_NS)).toBeUndefined();
    expect(response?.all('ItemId').map((item) => item.attrs)).toEqual([
      { Id: 'AAA=', ChangeKey: 'CQ==' },
      { Id: 'BBB=' },
    ]);
    expect(sut.descendants('ItemId')).toHaveLength(2);
    expect(response?.textOf('Missing')).toBeUndefined();
  });

  it.each([
    ['an empty body', '', /no root|not well-formed/],
    ['a truncated document', '<a><b></b>', /not well-formed/],
    ['HTML', '<html><body><p>Service Unavailable</body></html>', /not well-formed/],
  ])('refuses %s with a protocol error', (_case, text, message) => {
    let caught: unknown;
    try {
      parseXml(text, 'the answer');
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(EwsError);
    expect(caught).toMatchObject({ kind: 'protocol', message: expect.stringMatching(message) as unknown });
  });
});
