/**
 * The current time at 10 ms resolution. SQL Server's `datetime` keeps 1/300 s, which represents every
 * multiple of 10 ms exactly, so a row's own timestamps read back equal on all three drivers.
 */
export function storedNow(): Date {
  return new Date(Math.floor(Date.now() / 10) * 10);
}
