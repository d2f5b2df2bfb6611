/**
 * A payload that does not satisfy its message contract. Thrown by `publish` before anything is sent; on the
 * consuming side the message goes straight to the dead-letter queue with this reason and is never retried.
 */
export class MessageValidationError extends Error {
  override readonly name = 'MessageValidationError';

  constructor(
    readonly messageType: string,
    readonly messageVersion: number,
    readonly reason: string,
  ) {
    super(`invalid ${messageType} v${messageVersion}: ${reason}`);
  }
}
