/**
 * `mailbox.status` values this API sets: `watched` while the mailbox has an active registration,
 * `unwatched` once its last one went. Mailboxes are kept when unwatched (their backend, shard and watermark
 * are still right when a device registers again); only these two values are ever overwritten here, so a
 * status a mail source sets (e.g. an error state) is left alone.
 */
export const MAILBOX_WATCHED = 'watched';
export const MAILBOX_UNWATCHED = 'unwatched';
