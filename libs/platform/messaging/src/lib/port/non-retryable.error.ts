/**
 * Thrown by a handler when retrying cannot help (the request itself is wrong): the message goes straight to
 * the dead-letter queue with this reason, skipping the retry schedule.
 */
export class NonRetryableError extends Error {
  override readonly name = 'NonRetryableError';
}
