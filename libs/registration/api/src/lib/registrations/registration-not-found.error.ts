/**
 * No registration with this id belongs to the caller's mailbox. Also the answer for another mailbox's
 * registration: 404, never 403, so that ids of other users cannot be probed.
 */
export class RegistrationNotFoundError extends Error {
  override readonly name = 'RegistrationNotFoundError';

  constructor(readonly registrationId: string) {
    super(`registration ${registrationId} not found`);
  }
}
