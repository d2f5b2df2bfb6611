/**
 * Some devices of a change could not be pushed yet (provider unavailable, credential refused, another
 * instance busy with it): the message goes back to the bus for a later try. The devices already pushed are
 * not pushed again; de-duplication skips them.
 */
export class PushesIncompleteError extends Error {
  override readonly name = 'PushesIncompleteError';
}
