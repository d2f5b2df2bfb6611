import { defineMessage, type PayloadOf } from '@mailpush/messaging';
import { z } from 'zod';

export const REGISTRATION_CHANGES = ['created', 'updated', 'deleted', 'expired', 'pruned'] as const;
export type RegistrationChangeKind = (typeof REGISTRATION_CHANGES)[number];

const RegistrationChangedSchema = z.object({
  mailboxId: z.string().min(1).max(36),
  smtpAddress: z.string().min(3).max(320),
  /** The registration that changed; several when a purge removed many of one mailbox at once. */
  registrationIds: z.array(z.string().min(1).max(36)).min(1),
  change: z.enum(REGISTRATION_CHANGES),
  /** `pending` until a mail source claims the mailbox, then `ews` or `graph`. */
  backend: z.enum(['pending', 'ews', 'graph']),
  shard: z.number().int().min(0),
  /** True while the mailbox has at least one active registration: its shard owner should watch it. */
  watched: z.boolean(),
});

/**
 * The registrations of a mailbox changed. A hint, not the state: consumers reload from the database. The
 * dispatcher drops its device cache for the mailbox; the mail sources start or stop watching it.
 */
export const RegistrationChanged = defineMessage('registration.changed', 1, (payload) =>
  RegistrationChangedSchema.parse(payload),
);
export type RegistrationChange = PayloadOf<typeof RegistrationChanged>;
