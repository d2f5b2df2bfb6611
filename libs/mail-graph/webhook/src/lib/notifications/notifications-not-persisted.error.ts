/**
 * The notifications of a POST could not all be persisted (the bus did not confirm them in time, or their
 * subscriptions could not be looked up): answered 503 so that Graph posts them again.
 */
export class NotificationsNotPersistedError extends Error {
  override readonly name = 'NotificationsNotPersistedError';
}
