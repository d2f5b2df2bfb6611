import { createHash } from 'node:crypto';

/** APNs refuses an `apns-collapse-id` longer than 64 bytes. */
const MAX_BYTES = 64;

/**
 * The collapse (and thread) id of a mailbox's pushes: `mail-<mailboxId>`, or, should that not fit in 64
 * bytes, `mail-` and a hash of the id, which is just as stable.
 */
export function mailboxCollapseId(mailboxId: string): string {
  const plain = `mail-${mailboxId}`;
  if (Buffer.byteLength(plain, 'utf8') <= MAX_BYTES) return plain;
  return `mail-${createHash('sha256').update(mailboxId).digest('hex').slice(0, 40)}`;
}
