import { Injectable } from '@nestjs/common';
import { MailboxBackendResolver, type MailboxPlacement } from './mailbox-backend-resolver.port';

/**
 * Leaves the backend `pending` for a mail source to claim, sharded by the mailbox id (as a Graph mailbox
 * is). The default until a resolver that asks Autodiscover or Graph replaces it.
 */
@Injectable()
export class PendingMailboxBackendResolver extends MailboxBackendResolver {
  resolve(_smtpAddress: string, mailboxId: string): Promise<MailboxPlacement> {
    return Promise.resolve({ backend: 'pending', connectionId: null, shardKey: mailboxId, affinityGroup: null });
  }
}
