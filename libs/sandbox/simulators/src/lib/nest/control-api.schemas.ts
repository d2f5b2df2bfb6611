import { z } from 'zod';
import { APNS_ERROR_REASONS, type ApnsErrorStatus } from '../apns/apns-script';
import { FCM_ERRORS, type FcmErrorCode } from '../fcm/fcm-script';

const tokenPrefix = z.string({ error: 'must be a string (empty matches every token)' });
const times = z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1');
const retryAfterSeconds = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must not be negative');
const goaway = z.literal(true, { error: 'must be true' });

const APNS_STATUSES = Object.keys(APNS_ERROR_REASONS).map(Number) as ApnsErrorStatus[];
const FCM_CODES = Object.keys(FCM_ERRORS) as FcmErrorCode[];

const ApnsErrorScriptBody = z
  .object({
    tokenPrefix,
    status: z
      .number({ error: 'must be a number' })
      .refine((value): value is ApnsErrorStatus => (APNS_STATUSES as number[]).includes(value), {
        message: `must be one of ${APNS_STATUSES.join(', ')}`,
      }),
    reason: z.string({ error: 'must be a string' }).min(1, 'must not be empty'),
    timestamp: z.number({ error: 'must be a number' }).int('must be a whole number').min(0).optional(),
    retryAfterSeconds: retryAfterSeconds.optional(),
    times: times.optional(),
  })
  .strict();

const ApnsGoawayScriptBody = z
  .object({
    tokenPrefix,
    goaway,
    reason: z.string({ error: 'must be a string' }).min(1, 'must not be empty').optional(),
    times: times.optional(),
  })
  .strict();

const FcmErrorScriptBody = z
  .object({
    tokenPrefix,
    errorCode: z.enum(FCM_CODES, { error: `must be one of ${FCM_CODES.join(', ')}` }),
    message: z.string({ error: 'must be a string' }).min(1, 'must not be empty').optional(),
    retryAfterSeconds: retryAfterSeconds.optional(),
    times: times.optional(),
  })
  .strict();

const FcmGoawayScriptBody = z.object({ tokenPrefix, goaway, times: times.optional() }).strict();

/** A body with `goaway` is a GOAWAY script, any other an error script: so each problem names its own field. */
function hasGoaway(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'goaway' in body;
}

export function apnsScriptSchema(body: unknown) {
  return hasGoaway(body) ? ApnsGoawayScriptBody : ApnsErrorScriptBody;
}

export function fcmScriptSchema(body: unknown) {
  return hasGoaway(body) ? FcmGoawayScriptBody : FcmErrorScriptBody;
}

const user = z.string({ error: 'must be a string' }).regex(/^[^@\s]+@[^@\s]+$/, 'must look like user@domain');

export const GraphMailBody = z
  .object({
    user,
    subject: z.string({ error: 'must be a string' }).max(4096),
    from: z
      .object({
        name: z.string({ error: 'must be a string' }).min(1, 'must not be empty'),
        address: z.string({ error: 'must be a string' }).regex(/^[^@\s]+@[^@\s]+$/, 'must look like user@domain'),
      })
      .strict(),
    bodyPreview: z.string({ error: 'must be a string' }).max(255).optional(),
  })
  .strict();

export const GraphUserBody = z.object({ user }).strict();

export const GraphReadBody = z
  .object({ user, messageId: z.string({ error: 'must be a string' }).min(1, 'must not be empty') })
  .strict();

export const GraphLifecycleBody = z
  .object({
    subscriptionId: z.string({ error: 'must be a string' }).min(1, 'must not be empty'),
    lifecycleEvent: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed'], {
      error: 'must be reauthorizationRequired, subscriptionRemoved or missed',
    }),
  })
  .strict();

export const GraphDropBody = z.object({ user, count: times }).strict();

export const GraphThrottleBody = z.object({ user, retryAfterSeconds, times: times.optional() }).strict();
