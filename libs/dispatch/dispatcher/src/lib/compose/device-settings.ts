import { DEFAULT_DEVICE_SETTINGS, DeviceSettingsSchema, type DeviceSettings } from '@mailpush/contracts';

/** Settings as the composer applies them: every default filled in. */
export interface EffectiveSettings {
  readonly preview: DeviceSettings['preview'];
  /** Lower case. */
  readonly folders: ReadonlySet<string>;
  /** Lower case; empty means every sender alerts. */
  readonly vipSenders: ReadonlySet<string>;
  readonly quietHours: DeviceSettings['quietHours'];
  /** `undefined`: silent. */
  readonly sound: string | undefined;
  readonly badge: boolean;
}

/** Used when stored settings cannot be read: nothing about the mail leaves the server. */
const PRIVATE_SETTINGS: DeviceSettings = { preview: 'none' };

/**
 * The stored settings of a registration (a JSON object, `{}` when the device never set any) as validated
 * `DeviceSettings`. Settings that no longer validate fall back to `preview: none` rather than to the
 * defaults, so that a broken row never shows more than the user asked for.
 */
export function readDeviceSettings(stored: unknown): { settings: DeviceSettings; problem: string | undefined } {
  const input: unknown =
    typeof stored === 'object' && stored !== null && !Array.isArray(stored)
      ? { ...DEFAULT_DEVICE_SETTINGS, ...stored }
      : stored;
  const parsed = DeviceSettingsSchema.safeParse(input);
  if (parsed.success) return { settings: parsed.data, problem: undefined };
  const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)');
  return { settings: PRIVATE_SETTINGS, problem: `invalid settings (${[...new Set(fields)].join(', ')})` };
}

export function effectiveSettings(settings: DeviceSettings): EffectiveSettings {
  const sound = settings.sound ?? 'default';
  return {
    preview: settings.preview,
    folders: new Set((settings.folders ?? ['inbox']).map((folder) => folder.toLowerCase())),
    vipSenders: new Set((settings.vipSenders ?? []).map((address) => address.toLowerCase())),
    quietHours: settings.quietHours,
    sound: sound === 'none' ? undefined : sound,
    badge: settings.badge ?? true,
  };
}
