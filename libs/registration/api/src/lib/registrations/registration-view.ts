import { DEFAULT_DEVICE_SETTINGS, DeviceSettingsSchema, type DeviceSettings } from '@mailpush/contracts';
import type { DeviceRegistrationEntity, JsonObject, MailboxEntity } from '@mailpush/persistence';
import type { RegistrationView } from '../validation/registration-response.schemas';

export const ACTIVE = 'active';
export const EXPIRED = 'expired';

/** A stored `active` registration whose expiry passed is `expired`, whether or not the purge has run. */
export function effectiveStatus(row: Pick<DeviceRegistrationEntity, 'status' | 'expiresAt'>, now: Date): string {
  return row.status === ACTIVE && row.expiresAt.getTime() <= now.getTime() ? EXPIRED : row.status;
}

/** Stored settings, or the defaults when a row holds none (or something no longer valid). */
export function storedSettings(row: Pick<DeviceRegistrationEntity, 'settings'>): DeviceSettings {
  const parsed = DeviceSettingsSchema.safeParse(row.settings);
  return parsed.success ? parsed.data : DEFAULT_DEVICE_SETTINGS;
}

/** Settings as the `simple-json` column holds them (a JSON round trip drops `undefined` members). */
export function settingsColumn(settings: DeviceSettings): JsonObject {
  return JSON.parse(JSON.stringify(settings)) as JsonObject;
}

export function toRegistrationView(row: DeviceRegistrationEntity, mailbox: MailboxEntity, now: Date): RegistrationView {
  return {
    id: row.id,
    mailbox: mailbox.smtpAddress,
    deviceId: row.deviceId,
    platform: row.platform,
    appId: row.appId,
    environment: row.environment,
    locale: row.locale,
    settings: storedSettings(row),
    status: effectiveStatus(row, now),
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    backend: mailbox.backend,
  };
}
