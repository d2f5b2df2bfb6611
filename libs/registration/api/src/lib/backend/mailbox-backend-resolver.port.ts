import type { MailboxBackend } from '@mailpush/persistence';

/** Where a mailbox lives and how its watch is sharded. */
export interface MailboxPlacement {
  readonly backend: MailboxBackend;
  /** The mail connection that serves it, once known. */
  readonly connectionId: string | null;
  /** What the shard is derived from: the affinity group for EWS, the mailbox id otherwise. */
  readonly shardKey: string;
  /** EWS URL + GroupingInformation, for mailboxes one streaming connection can serve together. */
  readonly affinityGroup: string | null;
}

/**
 * Decides where a mailbox that registers for the first time lives (Exchange on-premises or Exchange Online)
 * and so which shard watches it. Called once per new mailbox, outside any database transaction, because a
 * real resolver talks to Autodiscover or Graph.
 */
export abstract class MailboxBackendResolver {
  /** `mailboxId` is the id the new mailbox row will get. */
  abstract resolve(smtpAddress: string, mailboxId: string): Promise<MailboxPlacement>;
}
