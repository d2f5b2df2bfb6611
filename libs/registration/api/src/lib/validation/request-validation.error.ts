import type { FieldError } from './field-error';

/** The request body (or a part of it) does not satisfy its schema; answered 400 with every field named. */
export class RequestValidationError extends Error {
  override readonly name = 'RequestValidationError';

  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}
