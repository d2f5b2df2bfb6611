import type { ProblemKind } from './problem';

/** A notification POST whose body is refused before its content is looked at: 400, 413 or 415. */
export class RequestBodyError extends Error {
  override readonly name = 'RequestBodyError';

  constructor(
    readonly kind: Extract<ProblemKind, 'malformedJson' | 'payloadTooLarge' | 'unsupportedMediaType'>,
    detail: string,
  ) {
    super(detail);
  }
}
