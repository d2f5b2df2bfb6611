import type { FieldError } from '../http/problem';

/** A notification POST whose JSON does not have the shape of a notification collection; answered 400. */
export class InvalidNotificationsError extends Error {
  override readonly name = 'InvalidNotificationsError';

  constructor(
    readonly errors: readonly FieldError[],
    /** How many invalid fields there were; `errors` lists the first few. */
    readonly total: number,
  ) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}
