/** One invalid field of a request, named by its path in the JSON body (`settings.quietHours.timeZone`). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}
