import { DeviceSettingsSchema } from '@mailpush/contracts';
import { z } from 'zod';
import { ENVIRONMENTS, PLATFORMS } from './registration-request.schemas';

/** Documentation only: the API writes these with `Date.toISOString()`. */
function timestamp(description: string): z.ZodString {
  return z.string().meta({ format: 'date-time', description: `${description} (ISO 8601, UTC)` });
}

/**
 * A registration as the API shows it (**contract**; the push token is never echoed back). Loose objects:
 * clients must accept members added later.
 */
export const RegistrationSchema = z.looseObject({
  id: z.string().describe('Registration id (UUID)'),
  mailbox: z.string().describe("The caller's mailbox, lower case"),
  deviceId: z.string(),
  platform: z.enum(PLATFORMS),
  appId: z.string(),
  environment: z.enum(ENVIRONMENTS),
  locale: z.string().nullable(),
  settings: DeviceSettingsSchema,
  status: z
    .string()
    .describe('`active`; `expired` once `expiresAt` passed without a refresh (deleted by the next purge)'),
  expiresAt: timestamp('When the registration lapses unless the device registers again'),
  createdAt: timestamp('When the device first registered'),
  updatedAt: timestamp('When the registration last changed'),
  backend: z
    .enum(['pending', 'ews', 'graph'])
    .describe('Where the mailbox is watched: `pending` until a mail source claims it'),
});

export type RegistrationView = z.infer<typeof RegistrationSchema>;

export const RegistrationListSchema = z.looseObject({ items: z.array(RegistrationSchema) });

/** RFC 9457 problem details, with the invalid fields of a 400. */
export const ProblemSchema = z.looseObject({
  type: z.string().describe('URN naming the kind of problem, e.g. urn:mailpush:problem:validation-failed'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional().describe('The request path'),
  errors: z
    .array(
      z.object({ field: z.string().describe('Path in the JSON body, e.g. quietHours.timeZone'), message: z.string() }),
    )
    .optional(),
});
