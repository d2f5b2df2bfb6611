import { DeviceSettingsSchema } from '@mailpush/contracts';
import { z } from 'zod';

/** `is required` for a missing field, `must be <what>` for one of the wrong type. */
function typed(what: string): { error: (issue: { input: unknown }) => string } {
  return { error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) };
}

/** Anything but control characters, which no identifier needs and which would end up in logs. */
const PRINTABLE = /^[^\p{Cc}]+$/u;
/** APNs device tokens: hexadecimal, 32 bytes today, longer ones announced by Apple. */
export const APNS_TOKEN = /^[0-9a-fA-F]{64,200}$/;
/** FCM registration tokens: URL-safe base64 with `:` (e.g. `cX1...:APA91b...`). */
export const FCM_TOKEN = /^[A-Za-z0-9_\-:.]{1,4096}$/;
/** Bundle ids and Android package names: at least two dot-separated parts. */
const APP_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/;
/** A BCP 47 language tag in its common form (`en`, `de-CH`, `zh-Hant-TW`). */
const LOCALE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

function isLocale(value: string): boolean {
  if (!LOCALE.test(value)) return false;
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

export const PLATFORMS = ['ios', 'android'] as const;
export const ENVIRONMENTS = ['production', 'sandbox'] as const;

/** `POST /v1/registrations` (**contract**). */
export const RegisterDeviceSchema = z
  .object({
    /** Stable id of the device installation, chosen by the app; one registration per mailbox and device. */
    deviceId: z
      .string(typed('a string'))
      .min(1, 'must not be empty')
      .max(255, 'must be at most 255 characters')
      .regex(PRINTABLE, 'must not contain control characters'),
    platform: z.enum(PLATFORMS, { error: 'must be "ios" or "android"' }),
    /** APNs device token (hex) for iOS, FCM registration token for Android. */
    pushToken: z.string(typed('a string')).min(1, 'must not be empty').max(4096, 'must be at most 4096 characters'),
    /** Bundle id (iOS) or package name (Android): selects the push credential. */
    appId: z
      .string(typed('a string'))
      .max(255, 'must be at most 255 characters')
      .regex(APP_ID, 'must be a reverse-DNS app id such as com.example.mail'),
    /** APNs environment the token belongs to; `sandbox` for development builds. */
    environment: z.enum(ENVIRONMENTS, { error: 'must be "production" or "sandbox"' }).default('production'),
    /** Language of the notification texts, a BCP 47 tag such as `en-GB`. */
    locale: z
      .string(typed('a string'))
      .max(35, 'must be at most 35 characters')
      .refine(isLocale, 'must be a BCP 47 language tag such as en-GB')
      .transform((value) => Intl.getCanonicalLocales(value)[0] ?? value)
      .optional(),
    settings: DeviceSettingsSchema.optional(),
  })
  .strict()
  .superRefine((body, context) => {
    const valid = body.platform === 'ios' ? APNS_TOKEN.test(body.pushToken) : FCM_TOKEN.test(body.pushToken);
    if (!valid) {
      context.addIssue({
        code: 'custom',
        path: ['pushToken'],
        message:
          body.platform === 'ios'
            ? 'must be an APNs device token: 64 to 200 hexadecimal characters'
            : 'must be an FCM registration token: 1 to 4096 of A-Z a-z 0-9 - _ : .',
      });
    }
  })
  .transform((body) => ({
    ...body,
    pushToken: body.platform === 'ios' ? body.pushToken.toLowerCase() : body.pushToken,
  }));

export type RegisterDevice = z.output<typeof RegisterDeviceSchema>;

/** `PUT /v1/registrations/{id}/settings` (**contract**): the schema the dispatcher applies. */
export const UpdateSettingsSchema = DeviceSettingsSchema;
