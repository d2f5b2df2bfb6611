import type { DeviceSettings } from '@mailpush/contracts';

type QuietHours = NonNullable<DeviceSettings['quietHours']>;

/** Formatters are costly to build and a device's time zone rarely changes: one per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function minutesOf(clock: string): number {
  const [hours = '0', minutes = '0'] = clock.split(':');
  return Number(hours) * 60 + Number(minutes);
}

/** Minutes since local midnight of `at` in the time zone. */
export function localMinutes(at: Date, timeZone: string): number {
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'hour') hour = Number(part.value);
    if (part.type === 'minute') minute = Number(part.value);
  }
  return hour * 60 + minute;
}

/**
 * Whether `at` falls in the quiet hours, read in their own time zone: from `start` (included) to `end`
 * (excluded). A `start` after `end` spans midnight (22:00-07:00); equal times mean no quiet hours.
 */
export function isQuietTime(quietHours: QuietHours, at: Date): boolean {
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return false;
  const now = localMinutes(at, quietHours.timeZone);
  return start < end ? now >= start && now < end : now >= start || now < end;
}
