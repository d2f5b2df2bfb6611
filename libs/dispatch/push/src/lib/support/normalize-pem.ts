/**
 * PEM text as people paste it: surrounding white space, Windows line ends, or the `\n` escapes a PEM gets when it
 * is squeezed into one environment variable or JSON string.
 */
export function normalizePem(pem: string): string {
  const trimmed = pem.trim().replace(/\r\n/g, '\n');
  return trimmed.includes('\n') ? `${trimmed}\n` : `${trimmed.replace(/\\n/g, '\n')}\n`;
}
