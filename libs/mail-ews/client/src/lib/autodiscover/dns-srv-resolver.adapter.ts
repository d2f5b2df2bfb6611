import { Resolver } from 'node:dns/promises';
import { SrvResolver, type SrvRecord } from './srv-resolver.port';

/** DNS answers meaning "no such records", as opposed to a resolver failure. */
const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME']);

/** `SrvResolver` over `node:dns/promises`: the system's resolvers, or `servers` when given. */
export class DnsSrvResolver extends SrvResolver {
  private readonly resolver = new Resolver();

  constructor(servers?: readonly string[]) {
    super();
    if (servers !== undefined && servers.length > 0) this.resolver.setServers([...servers]);
  }

  async resolveSrv(name: string): Promise<SrvRecord[]> {
    try {
      return await this.resolver.resolveSrv(name);
    } catch (error) {
      if (NO_RECORDS.has((error as NodeJS.ErrnoException).code ?? '')) return [];
      throw error;
    }
  }
}
