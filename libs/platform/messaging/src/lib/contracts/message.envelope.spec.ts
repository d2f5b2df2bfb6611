import { defineMessage } from './message.contract';
import { decodeEnvelope, encodeEnvelope } from './message.envelope';
import { MessageValidationError } from './message-validation.error';

const MailChanged = defineMessage('mail.changed', 3, (payload) => {
  const { mailbox } = payload as { mailbox?: unknown };
  if (typeof mailbox !== 'string') throw new Error('mailbox must be a string');
  return { mailbox };
});

describe('message envelope', () => {
  it('encodes id, type, version, occurrence time and payload as JSON, and decodes it back', () => {
    const occurredAt = new Date('2024-05-01T10:00:00.000Z');

    const { envelope, body } = encodeEnvelope(MailChanged, { mailbox: 'a@example.com' }, { id: 'm-1', occurredAt });

    expect(JSON.parse(body.toString())).toEqual({
      id: 'm-1',
      type: 'mail.changed',
      version: 3,
      occurredAt: '2024-05-01T10:00:00.000Z',
      payload: { mailbox: 'a@example.com' },
    });
    expect(decodeEnvelope(body)).toEqual(envelope);
  });

  it('gives each message a fresh UUID unless an id is given', () => {
    const first = encodeEnvelope(MailChanged, { mailbox: 'a' }).envelope.id;
    const second = encodeEnvelope(MailChanged, { mailbox: 'a' }).envelope.id;

    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).not.toBe(first);
  });

  it('validates the payload as the consumer will see it, after JSON', () => {
    const WithDate = defineMessage('mail.seen', 1, (payload) => {
      const { at } = payload as { at?: unknown };
      if (!(at instanceof Date)) throw new Error('at must be a Date');
      return { at };
    });

    expect(() => encodeEnvelope(WithDate, { at: new Date() })).toThrow(MessageValidationError);
    expect(() => encodeEnvelope(MailChanged, { mailbox: 7 } as unknown as { mailbox: string })).toThrow(
      'invalid mail.changed v3: mailbox must be a string',
    );
  });

  it('refuses an id AMQP cannot carry, and a payload that is not JSON', () => {
    expect(() => encodeEnvelope(MailChanged, { mailbox: 'a' }, { id: '' })).toThrow(/message id must be 1-255 bytes/);
    expect(() => encodeEnvelope(MailChanged, { mailbox: 'a' }, { id: 'é'.repeat(128) })).toThrow(/got 256/);
    expect(() => encodeEnvelope(MailChanged, undefined as unknown as { mailbox: string })).toThrow(
      'mail.changed: the payload is not JSON-serialisable',
    );
  });

  it.each([
    ['not json', 'body is not JSON'],
    ['[1]', 'body is not a JSON object'],
    ['{"type":"a","version":1,"occurredAt":"2024-01-01T00:00:00Z","payload":1}', 'envelope has no id'],
    ['{"id":"x","version":1,"occurredAt":"2024-01-01T00:00:00Z","payload":1}', 'envelope has no type'],
    [
      '{"id":"x","type":"a","version":0,"occurredAt":"2024-01-01T00:00:00Z","payload":1}',
      'envelope has no valid version',
    ],
    ['{"id":"x","type":"a","version":1,"occurredAt":"yesterday","payload":1}', 'envelope has no valid occurredAt'],
    ['{"id":"x","type":"a","version":1,"occurredAt":"2024-01-01T00:00:00Z"}', 'envelope has no payload'],
  ])('refuses to decode %s', (body, reason) => {
    expect(() => decodeEnvelope(Buffer.from(body))).toThrow(reason);
  });
});
