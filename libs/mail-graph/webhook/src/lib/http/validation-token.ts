/**
 * The `validationToken` of a handshake request, decoded, or `undefined` when the request is not one.
 *
 * Decoded as `application/x-www-form-urlencoded`, as Graph's own samples (ASP.NET's query string) do: `+` is
 * a space, `%2B` a plus, `%25` a percent sign, percent-encoded UTF-8 becomes its characters. Never
 * `decodeURIComponent`, which keeps `+` and throws on a stray `%`.
 */
export function validationTokenOf(url: string | undefined): string | undefined {
  const start = (url ?? '').indexOf('?');
  if (start < 0) return undefined;
  const token = new URLSearchParams((url ?? '').slice(start + 1)).get('validationToken');
  return token ?? undefined;
}
