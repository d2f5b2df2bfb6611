/** A sealed value could not be produced or opened. Never carries the plaintext. */
export class SecretsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsError';
  }
}
