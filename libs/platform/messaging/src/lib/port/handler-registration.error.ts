/**
 * Message handlers that cannot work as declared: two handlers for one message type in one consumer group,
 * a consumed message type without a handler, a handler on a request-scoped provider. Thrown at boot, so the
 * app refuses to start instead of splitting or dropping messages at run time.
 */
export class HandlerRegistrationError extends Error {
  override readonly name = 'HandlerRegistrationError';

  constructor(readonly problems: readonly string[]) {
    super(`message handlers are misconfigured:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
