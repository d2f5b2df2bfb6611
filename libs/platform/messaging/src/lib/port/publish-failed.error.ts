/** Why a publish was not confirmed. */
export type PublishFailure =
  /** The broker refused it (basic.nack), e.g. a queue at its length limit. */
  | 'nacked'
  /** No queue is bound for the message type: nobody would ever receive it. */
  | 'unroutable'
  /** The channel or connection closed before the broker confirmed. The message may or may not have arrived. */
  | 'connection-lost'
  /** No connection (or no confirm) within the publish timeout. The message may or may not have arrived. */
  | 'timeout'
  /** The bus is closed. */
  | 'closed';

/**
 * A publish the bus could not confirm. The caller must treat the message as not sent (answer 5xx, keep the
 * work, retry later); republishing with the same id is safe, consumers de-duplicate on it.
 */
export class PublishFailedError extends Error {
  override readonly name = 'PublishFailedError';

  constructor(
    readonly failure: PublishFailure,
    readonly messageType: string,
    readonly messageId: string,
    detail: string,
  ) {
    super(`publish of ${messageType} ${messageId} not confirmed (${failure}): ${detail}`);
  }
}
