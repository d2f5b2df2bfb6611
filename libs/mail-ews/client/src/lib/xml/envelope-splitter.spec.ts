import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EwsError } from '../ews-api.port';
import { EnvelopeSplitter } from './envelope-splitter';
import type { XmlElement } from './xml-element';

const FIXTURE = readFileSync(join(__dirname, '../soap/fixtures/get-streaming-events.stream.xml'), 'utf8');
/** A keepalive-only envelope with non-ASCII text, so that byte splits fall inside multibyte characters. */
const UNICODE_ENVELOPE =
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
  '<Note xmlns="urn:test">Grüße 📬 ✓</Note></soap:Body></soap:Envelope>';
const STREAM = FIXTURE + UNICODE_ENVELOPE;

function statusOf(envelope: XmlElement): string | undefined {
  return envelope
    .path('Body', 'GetStreamingEventsResponse', 'ResponseMessages', 'GetStreamingEventsResponseMessage')
    ?.textOf('ConnectionStatus');
}

function summary(envelopes: readonly XmlElement[]): string[] {
  return envelopes.map((envelope) => {
    const body = envelope.child('Body');
    const note = body?.textOf('Note');
    if (note !== undefined) return `note:${note}`;
    const notifications = body?.descendants('Notification') ?? [];
    return `status:${statusOf(envelope) ?? '-'} notifications:${notifications.length}`;
  });
}

function splitAll(chunks: readonly string[]): XmlElement[] {
  const sut = new EnvelopeSplitter();
  const envelopes = chunks.flatMap((chunk) => sut.push(chunk));
  sut.end();
  return envelopes;
}

const EXPECTED = [
  'status:OK notifications:0',
  'status:- notifications:1',
  'status:Closed notifications:0',
  'note:Grüße 📬 ✓',
];

describe(EnvelopeSplitter.name, () => {
  it('splits a whole stream into its envelopes, prefixed or not, with or without a declaration', () => {
    expect(summary(splitAll([STREAM]))).toEqual(EXPECTED);
  });

  it('hands out an envelope as soon as its end tag arrives', () => {
    const sut = new EnvelopeSplitter();
    const firstEnd = FIXTURE.indexOf('</Envelope>') + '</Envelope>'.length;

    expect(sut.push(FIXTURE.slice(0, firstEnd - 1))).toHaveLength(0);
    expect(summary(sut.push(FIXTURE.slice(firstEnd - 1, firstEnd)))).toEqual(['status:OK notifications:0']);
  });

  it('gives the same envelopes whatever byte the stream is split at (decoded with a streaming TextDecoder)', () => {
    const bytes = Buffer.from(STREAM, 'utf8');
    for (let at = 1; at < bytes.length; at++) {
      const decoder = new TextDecoder('utf-8');
      const chunks = [
        decoder.decode(bytes.subarray(0, at), { stream: true }),
        decoder.decode(bytes.subarray(at), { stream: true }),
        decoder.decode(),
      ];
      expect(summary(splitAll(chunks))).toEqual(EXPECTED);
    }
  });

  it('reads the stream fed one character at a time', () => {
    expect(summary(splitAll([...STREAM]))).toEqual(EXPECTED);
  });

  it('reads the notification of the fixture completely', () => {
    const [, withEvents] = splitAll([FIXTURE]);
    const notification = withEvents?.descendants('Notification')[0];

    expect(notification?.textOf('SubscriptionId')).toBe('JgBibjFwcjAz...0Ag=');
    expect(notification?.children.map((child) => child.local)).toEqual([
      'SubscriptionId',
      'CreatedEvent',
      'NewMailEvent',
      'ModifiedEvent',
    ]);
    expect(notification?.child('NewMailEvent')?.child('ItemId')?.attrs['Id']).toBe('AAMkADkz...AAA=');
  });

  it('accepts a declaration before every envelope and whitespace between them', () => {
    const keepalive =
      '<?xml version="1.0" encoding="utf-8"?>\r\n<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body/></Envelope>\r\n';

    expect(splitAll([keepalive, keepalive, keepalive])).toHaveLength(3);
  });

  it('returns nothing for an empty body', () => {
    expect(splitAll([])).toEqual([]);
  });

  it.each([
    [
      'a mismatched end tag',
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body></s:Header>',
      /not well-formed/,
    ],
    ['an unbound prefix', '<x:Envelope><x:Body/></x:Envelope>', /not well-formed.*prefix/i],
    [
      'a root that is not an envelope',
      '<Fault xmlns="http://schemas.xmlsoap.org/soap/envelope/"/>',
      /expected a SOAP Envelope/,
    ],
    [
      'an envelope in the wrong namespace',
      '<Envelope xmlns="https://schemas.xmlsoap.org/soap/envelope/"/>',
      /expected a SOAP Envelope/,
    ],
    [
      'text between envelopes',
      '<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"/>garbage',
      /text outside any envelope: "garbage"/,
    ],
  ])('refuses %s with a protocol error naming it', (_case, input, message) => {
    const sut = new EnvelopeSplitter();

    const run = (): unknown => {
      try {
        sut.push(input);
        sut.end();
      } catch (error) {
        return error;
      }
      return undefined;
    };

    const error = run();
    expect(error).toBeInstanceOf(EwsError);
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(message) as unknown });
  });

  it('keeps refusing after the first malformed chunk', () => {
    const sut = new EnvelopeSplitter();
    expect(() => sut.push('<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"></Body>')).toThrow(EwsError);

    expect(() => sut.push('<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"/>')).toThrow(/not well-formed/);
  });

  it('reports a stream that ends inside an envelope', () => {
    const sut = new EnvelopeSplitter();
    sut.push('<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>');

    expect(() => sut.end()).toThrow(/ended inside an envelope/);
  });

  it('reports a stream that ends inside a start tag', () => {
    const sut = new EnvelopeSplitter();
    sut.push('<Envelope xmlns="http://schemas.xmlsoap.org/soap/envel');

    expect(() => sut.end()).toThrow(EwsError);
  });
});
