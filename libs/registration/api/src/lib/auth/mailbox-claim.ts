import { AuthenticationError } from './authentication.error';

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A plain `local@domain.tld` address: what an identity provider puts in upn, preferred_username or email. */
const EMAIL_ADDRESS = new RegExp(`^[^\\s@"<>()\\[\\],;:\\\\]{1,64}@${LABEL}(?:\\.${LABEL})+$`);
const MAX_ADDRESS_LENGTH = 320;

/**
 * The caller's mailbox: the first of `claimNames` present in the token, lower-cased. Only the first present
 * claim counts; a later one is never used as a fallback when the first is unusable, so that a token cannot
 * choose which identity it speaks for. Throws `AuthenticationError` when none is present or the first
 * present one is not an email address.
 */
export function mailboxFromClaims(claims: Readonly<Record<string, unknown>>, claimNames: readonly string[]): string {
  for (const name of claimNames) {
    const value = claims[name];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw new AuthenticationError(`the token's ${name} claim is not a string`);
    const address = value.trim().toLowerCase();
    if (address.length > MAX_ADDRESS_LENGTH || !EMAIL_ADDRESS.test(address)) {
      throw new AuthenticationError(`the token's ${name} claim is not an email address`);
    }
    return address;
  }
  throw new AuthenticationError(`the token has none of the claims ${claimNames.join(', ')} naming a mailbox`);
}
