import { z } from 'zod';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/**
 * What one device wants pushed (`PUT /v1/registrations/{id}/settings`, **contract**). Stored with the
 * registration; the dispatcher applies it to every change.
 */
export const DeviceSettingsSchema = z
  .object({
    /** `full`: sender and subject; `sender`: sender only; `none`: a generic text. */
    preview: z.enum(['full', 'sender', 'none']),
    /** Folders that alert (well-known `inbox` or display names). Default: the inbox only. */
    folders: z.array(z.string().trim().min(1).max(255)).max(100).optional(),
    /** When non-empty, only mail from these addresses alerts; other mail updates the badge only. VIPs also break through quiet hours. */
    vipSenders: z.array(z.email().max(320)).max(500).optional(),
    /** Alerts become badge-only updates between start and end (may span midnight) in the device's time zone. */
    quietHours: z
      .object({
        start: clockTime,
        end: clockTime,
        timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin'),
      })
      .strict()
      .optional(),
    /** Sound name; `none` for silent alerts. Default `default`. */
    sound: z.string().trim().min(1).max(64).optional(),
    /** Whether pushes carry the unread count. Default true. */
    badge: z.boolean().optional(),
  })
  .strict();

export type DeviceSettings = z.infer<typeof DeviceSettingsSchema>;

/** Settings of a device that never set any. */
export const DEFAULT_DEVICE_SETTINGS: DeviceSettings = { preview: 'full' };
