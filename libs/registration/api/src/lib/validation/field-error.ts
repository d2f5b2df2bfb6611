/** One invalid field of a request, named by its path in the JSON body (`settings.quietHours.timeZone`). */
export type { FieldError } from '@mailpush/runtime';
