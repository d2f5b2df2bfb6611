import { defineMessage, MessageContract } from './message.contract';
import { MessageValidationError } from './message-validation.error';

describe(MessageContract.name, () => {
  const positive = (payload: unknown): number => {
    if (typeof payload !== 'number' || payload <= 0) throw new Error('must be a positive number');
    return payload;
  };

  it('returns the validated payload', () => {
    const sut = defineMessage('mail.changed', 1, positive);

    expect(sut.parse(3)).toBe(3);
    expect(sut.toString()).toBe('mail.changed v1');
  });

  it('turns a validation failure into a MessageValidationError naming type, version and reason', () => {
    const sut = defineMessage('mail.changed', 2, positive);

    expect(() => sut.parse(-1)).toThrow(new MessageValidationError('mail.changed', 2, 'must be a positive number'));
    expect(() => sut.parse(-1)).toThrow('invalid mail.changed v2: must be a positive number');
  });

  it.each(['Mail.Changed', 'mail.*', 'mail.#', 'mail..changed', '', '.mail', 'mail changed', `m${'a'.repeat(200)}`])(
    'refuses the type %j, which is not a plain routing key',
    (type) => {
      expect(() => defineMessage(type, 1, positive)).toThrow(/must be dot-separated lower-case words/);
    },
  );

  it.each([0, -1, 1.5, Number.NaN])('refuses the version %p', (version) => {
    expect(() => defineMessage('mail.changed', version, positive)).toThrow(/version must be a positive whole number/);
  });
});
