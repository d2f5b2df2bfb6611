import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseXml } from '../xml/xml.reader';
import type { XmlElement } from '../xml/xml-element';
import { getUserSettingsRequest } from './get-user-settings.request';

interface Shape {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly text: string;
  readonly children: readonly Shape[];
}

/** Namespaces, names, attributes, trimmed text: what a server reads, without prefixes and whitespace. */
function shape(element: XmlElement): Shape {
  return {
    name: `{${element.ns}}${element.local}`,
    attrs: element.attrs,
    text: element.text.trim(),
    children: element.children.map(shape),
  };
}

describe(getUserSettingsRequest.name, () => {
  it('is the protocol reference request, with the http:// Autodiscover namespace', () => {
    const fixture = readFileSync(join(__dirname, 'fixtures', 'get-user-settings.request.xml'), 'utf8');

    const sut = getUserSettingsRequest(
      'https://autodiscover.exchange.microsoft.com/autodiscover/autodiscover.svc',
      'mara@contoso.com',
    );

    expect(shape(parseXml(sut))).toEqual(shape(parseXml(fixture)));
  });

  it('addresses wsa:To to the endpoint asked and escapes the mailbox', () => {
    const sut = parseXml(
      getUserSettingsRequest('https://contoso.com/autodiscover/autodiscover.svc?a=1&b=2', 'o<b@x.com'),
    );

    expect(sut.path('Header', 'To')?.text).toBe('https://contoso.com/autodiscover/autodiscover.svc?a=1&b=2');
    expect(sut.descendants('Mailbox').map((mailbox) => mailbox.text)).toEqual(['o<b@x.com']);
  });
});
