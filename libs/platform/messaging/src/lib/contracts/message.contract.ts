import { MessageValidationError } from './message-validation.error';

/** Lower-case dot-separated words: also the routing key, so no AMQP wildcards and at most 255 bytes. */
const TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
const MAX_TYPE_LENGTH = 200;

/**
 * The shared definition of one message: its `type` (also the routing key), the payload `version` and the
 * validation both sides run. Publisher and consumer import the same contract object, so they cannot
 * disagree on the name or the shape.
 */
export class MessageContract<T> {
  constructor(
    readonly type: string,
    readonly version: number,
    private readonly validate: (payload: unknown) => T,
  ) {
    if (!TYPE_PATTERN.test(type) || type.length > MAX_TYPE_LENGTH) {
      throw new Error(
        `message type "${type}" must be dot-separated lower-case words (a-z, 0-9, -), at most ${MAX_TYPE_LENGTH} characters`,
      );
    }
    if (!Number.isInteger(version) || version < 1) {
      throw new Error(`message type "${type}": version must be a positive whole number (got ${version})`);
    }
  }

  /** The validated payload; throws `MessageValidationError` naming what is wrong. */
  parse(payload: unknown): T {
    try {
      return this.validate(payload);
    } catch (error) {
      throw new MessageValidationError(this.type, this.version, error instanceof Error ? error.message : String(error));
    }
  }

  toString(): string {
    return `${this.type} v${this.version}`;
  }
}

/** A contract whose payload type is not known here (registries, module declarations). */
export type AnyMessageContract = MessageContract<unknown>;

/** The payload type a contract validates to. */
export type PayloadOf<C> = C extends MessageContract<infer T> ? T : never;

/**
 * Defines a message contract. `validate` receives the JSON-decoded payload and returns it typed, or throws
 * (a zod schema's `parse` fits as is: `defineMessage('mail.changed', 1, (p) => MailChanged.parse(p))`).
 * Validation messages end up in logs and dead-letter headers, so they should name fields, not echo values.
 */
export function defineMessage<T>(type: string, version: number, validate: (payload: unknown) => T): MessageContract<T> {
  return new MessageContract(type, version, validate);
}
