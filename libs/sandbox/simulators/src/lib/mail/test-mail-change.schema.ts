import { z } from 'zod';

/** `POST /sandbox/mail-changes`: what a person (or a test) says arrived in a mailbox. */
export const TestMailChangeSchema = z
  .object({
    mailbox: z.email({ error: 'must be the SMTP address of a registered mailbox' }),
    kind: z.enum(['new', 'read', 'unread-count'], { error: 'must be new, read or unread-count' }).default('new'),
    folder: z.string().trim().min(1).max(255).default('inbox'),
    /** Same item id (and kind) = same change: sending it again must not push twice. Default: a fresh id. */
    itemId: z.string().trim().min(1).max(1024).optional(),
    subject: z.string().max(4096).optional(),
    from: z
      .object({ name: z.string().max(512).optional(), address: z.email().max(320).optional() })
      .strict()
      .optional(),
    unreadCount: z.number().int().min(0).optional(),
  })
  .strict();

export type TestMailChange = z.output<typeof TestMailChangeSchema>;
