/** A push credential that cannot be used; `field` names the offending input (e.g. `keyId`, `private_key`). */
export class PushCredentialError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PushCredentialError';
  }
}
