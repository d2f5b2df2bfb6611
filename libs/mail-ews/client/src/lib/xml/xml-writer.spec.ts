import { emptyElement, escapeXml, textElement } from './xml-writer';

describe('xml-writer', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f');
  });

  it('escapes element text and attribute values', () => {
    expect(textElement('t:SmtpAddress', '<x>&')).toBe('<t:SmtpAddress>&lt;x&gt;&amp;</t:SmtpAddress>');
    expect(emptyElement('t:ItemId', { Id: 'a"b' })).toBe('<t:ItemId Id="a&quot;b" />');
  });
});
