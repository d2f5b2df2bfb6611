/** One DNS SRV record, as `node:dns` gives it. */
export interface SrvRecord {
  /** The target host; a trailing dot may or may not be there. */
  readonly name: string;
  readonly port: number;
  /** Lower is preferred. */
  readonly priority: number;
  /** Among equal priorities, higher is preferred. */
  readonly weight: number;
}

/** DNS SRV lookups, behind a port so that Autodiscover's last fallback can be tested without DNS. */
export abstract class SrvResolver {
  /** The records of `name` (e.g. `_autodiscover._tcp.contoso.com`); none when the name has none. */
  abstract resolveSrv(name: string): Promise<SrvRecord[]>;
}
