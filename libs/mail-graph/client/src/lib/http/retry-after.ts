/** An HTTP-date starts with a day name (IMF-fixdate, RFC 850 and asctime forms alike). */
const HTTP_DATE = /^[A-Za-z]{3}/;

/**
 * `Retry-After` in milliseconds: delay-seconds (`10`, what Graph sends) or an HTTP-date counted from `now` (never
 * negative). Anything else is ignored rather than trusted, so the caller's own backoff applies.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  const raw = value?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  if (!HTTP_DATE.test(raw)) return undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
