/** Enough of a device token to tell tokens apart in a log line, never enough to push to it. */
export function redactToken(token: string): string {
  return token.length <= 12 ? '…' : `${token.slice(0, 8)}…`;
}
