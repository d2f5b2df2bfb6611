import { Inject, Injectable } from '@nestjs/common';
import { MailConnectionRepository, type MailConnectionEntity } from '@mailpush/persistence';
import { MailboxBackendResolver, type MailboxPlacement } from './mailbox-backend-resolver.port';

/** How long the list of connections is reused before it is read again. */
const CONNECTIONS_TTL_MS = 30_000;

/**
 * Places a new mailbox by its mail domain: the enabled Graph connection that lists the domain, else the one
 * that lists `*` (every domain no connection names) unless an EWS connection serves every domain too. A
 * Graph mailbox is sharded by its id. Anything else stays `pending`: on-premises mailboxes are placed through
 * Autodiscover, which the EWS watcher owns (and which hands hybrid mailboxes living in Exchange Online to
 * Graph), and a mail source adopts pending mailboxes of its domains later, so a connection added afterwards
 * still takes them.
 */
@Injectable()
export class ConnectionDomainResolver extends MailboxBackendResolver {
  private cached: { readonly at: number; readonly rows: Promise<MailConnectionEntity[]> } | undefined;

  constructor(@Inject(MailConnectionRepository) private readonly connections: MailConnectionRepository) {
    super();
  }

  async resolve(smtpAddress: string, mailboxId: string): Promise<MailboxPlacement> {
    const domain = smtpAddress.slice(smtpAddress.lastIndexOf('@') + 1).toLowerCase();
    const enabled = (await this.list()).filter((row) => row.enabled);
    const named = enabled.find((row) => row.domains.includes(domain));
    // A domain an EWS connection names, or any domain when EWS serves the rest, is placed by Autodiscover.
    const ewsTakesTheRest = enabled.some((row) => row.kind === 'ews' && row.domains.includes('*'));
    const connection =
      named === undefined
        ? ewsTakesTheRest
          ? undefined
          : enabled.find((row) => row.kind === 'graph' && row.domains.includes('*'))
        : named.kind === 'graph'
          ? named
          : undefined;
    return connection === undefined
      ? { backend: 'pending', connectionId: null, shardKey: mailboxId, affinityGroup: null }
      : { backend: 'graph', connectionId: connection.id, shardKey: mailboxId, affinityGroup: null };
  }

  private list(): Promise<MailConnectionEntity[]> {
    const now = Date.now();
    if (this.cached === undefined || now - this.cached.at > CONNECTIONS_TTL_MS) {
      const rows = this.connections.list();
      // A failed read is not kept: the next registration tries again.
      rows.catch(() => (this.cached = undefined));
      this.cached = { at: now, rows };
    }
    return this.cached.rows;
  }
}
