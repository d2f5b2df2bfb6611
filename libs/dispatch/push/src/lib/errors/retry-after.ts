/** An HTTP-date starts with a day name (IMF-fixdate, RFC 850 and asctime forms alike). */
const HTTP_DATE = /^[A-Za-z]{3}/;

/**
 * `Retry-After` in milliseconds: either delay-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`,
 * counted from `now`, never negative). Anything else is ignored rather than trusted: the caller's own backoff
 * applies then.
 */
export function parseRetryAfter(value: string | readonly string[] | undefined, now: Date): number | undefined {
  const raw = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  if (!HTTP_DATE.test(raw)) return undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
