import type { SecretBox } from '@mailpush/secrets';

/** Credentials as the app uses them: a flat map such as `{ username, password }` or `{ keyPem, keyId }`. */
export type Credentials = Readonly<Record<string, string>>;

/** The `SecretBox` context of a row's credentials: a sealed value only opens in the row it was sealed for. */
export function credentialsContext(table: 'mail_connection' | 'push_credential', id: string): string {
  return `${table}:${id}:credentials`;
}

export function sealCredentials(secrets: SecretBox, credentials: Credentials, context: string): string {
  return secrets.seal(JSON.stringify(credentials), context);
}

export function openCredentials(secrets: SecretBox, sealed: string, context: string): Credentials {
  const value: unknown = JSON.parse(secrets.open(sealed, context));
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string')
  ) {
    throw new Error(`credentials stored for ${context} are not a map of strings`);
  }
  return value as Credentials;
}

/** The `SecretBox` context of a mailbox's sealed subscription secret (Graph `clientState`). */
export function clientStateContext(mailboxId: string): string {
  return `mailbox:${mailboxId}:client_state`;
}
