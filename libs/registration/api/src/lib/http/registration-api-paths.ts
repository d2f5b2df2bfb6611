/** Routes of the registration API, where errors are answered as problem details. */
const API_PATH = /^\/v1\/(registrations(\/|$)|openapi\.json$)/;

export function isRegistrationApiPath(path: string): boolean {
  return API_PATH.test(path);
}
