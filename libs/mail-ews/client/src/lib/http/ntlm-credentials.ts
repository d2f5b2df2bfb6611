/** An NTLM account as the Type 3 message names it. */
export interface NtlmCredentials {
  readonly user: string;
  /** The domain (NTLM target); `undefined`: the one the server's challenge names. */
  readonly domain?: string;
  readonly password: string;
}

/** Splits `DOMAIN\user` and `user@domain` into user and domain; a bare `user` keeps the server's domain. */
export function ntlmCredentials(username: string, password: string): NtlmCredentials {
  const backslash = username.indexOf('\\');
  if (backslash > 0) return { user: username.slice(backslash + 1), domain: username.slice(0, backslash), password };
  const at = username.lastIndexOf('@');
  if (at > 0) return { user: username.slice(0, at), domain: username.slice(at + 1), password };
  return { user: username, password };
}

/** `DOMAIN\user` for messages; never the password. */
export function ntlmAccountName(credentials: NtlmCredentials): string {
  return credentials.domain === undefined ? credentials.user : `${credentials.domain}\\${credentials.user}`;
}
