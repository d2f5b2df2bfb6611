/**
 * The current time at 10 ms resolution, as `@mailpush/persistence` stamps its rows (it does not export its
 * helper): SQL Server's `datetime` stores every multiple of 10 ms exactly, so timestamps read back equal.
 */
export function storedNow(): Date {
  return new Date(Math.floor(Date.now() / 10) * 10);
}
