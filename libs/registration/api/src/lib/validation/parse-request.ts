import type { z } from 'zod';
import type { FieldError } from './field-error';
import { RequestValidationError } from './request-validation.error';

/** What a problem about the whole body (not one field of it) is reported under. */
export const BODY_FIELD = 'body';

/** `settings.folders[2]`, from zod's path. */
export function fieldName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const segment of path) {
    if (typeof segment === 'number') name += `[${segment}]`;
    else name += name.length === 0 ? String(segment) : `.${String(segment)}`;
  }
  return name.length === 0 ? BODY_FIELD : name;
}

/**
 * One entry per invalid field: the first problem found with it (later checks of the same value only repeat
 * it in other words). Unknown fields are each named on their own.
 */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const errors = new Map<string, FieldError>();
  const add = (field: string, message: string): void => {
    if (!errors.has(field)) errors.set(field, { field, message });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(fieldName([...issue.path, key]), 'is not a known field');
    } else if (issue.path.length === 0 && issue.code === 'invalid_type') {
      add(BODY_FIELD, 'must be a JSON object');
    } else {
      add(fieldName(issue.path), issue.message);
    }
  }
  return [...errors.values()];
}

/** The parsed value, or a `RequestValidationError` naming every invalid field. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new RequestValidationError(fieldErrors(result.error.issues));
  return result.data;
}
