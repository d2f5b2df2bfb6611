import { performance } from 'node:perf_hooks';
import type { EwsConnection } from '../ews-api.port';
import type { EwsHttp } from '../http/ews-http.port';
import { AutodiscoverRun } from './autodiscover-run';
import { Autodiscover, type AutodiscoverOverrides, type AutodiscoverResult } from './autodiscover.port';
import type { SrvResolver } from './srv-resolver.port';

/** Time for the cache; `Clock` of `@mailpush/leases` fits. Only differences between readings are used. */
export interface AutodiscoverClock {
  monotonic(): number;
}

export interface HttpAutodiscoverOptions {
  /** How long an answer is reused before the next `discover` asks again; default 1 hour. */
  readonly ttlMs?: number;
  /**
   * How long a failure is repeated without asking again, so that many callers for one broken mailbox do not
   * hammer its servers; default 30 seconds, 0 to not keep failures.
   */
  readonly failureTtlMs?: number;
  /** Time limit of each Autodiscover request; default 30 seconds (candidates that do not answer are common). */
  readonly requestTimeoutMs?: number;
  readonly clock?: AutodiscoverClock;
}

const HOUR_MS = 60 * 60 * 1000;

interface CacheEntry {
  readonly promise: Promise<AutodiscoverResult>;
  /** `Infinity` while the lookup runs: callers meanwhile share it. */
  expiresAt: number;
}

/**
 * Autodiscover over HTTP (SOAP `GetUserSettings`, then POX) and DNS SRV, as Microsoft documents the client side:
 * the mailbox domain's HTTPS endpoints, the plain-HTTP redirect GET, then SRV; at most 10 redirects, HTTPS only.
 * Answers are kept per (connection, address, overrides) for `ttlMs`; concurrent lookups of one key share one run.
 */
export class HttpAutodiscover extends Autodiscover {
  /** By lower-case address, then by connection and overrides: `forget` drops an address for every connection. */
  private readonly cache = new Map<string, Map<string, CacheEntry>>();
  private readonly ttlMs: number;
  private readonly failureTtlMs: number;
  private readonly requestTimeoutMs: number;
  private readonly clock: AutodiscoverClock;

  constructor(
    private readonly http: EwsHttp,
    private readonly srv: SrvResolver,
    options: HttpAutodiscoverOptions = {},
  ) {
    super();
    this.ttlMs = options.ttlMs ?? HOUR_MS;
    this.failureTtlMs = options.failureTtlMs ?? 30_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.clock = options.clock ?? { monotonic: () => performance.now() };
  }

  discover(
    connection: EwsConnection,
    smtpAddress: string,
    overrides: AutodiscoverOverrides = {},
  ): Promise<AutodiscoverResult> {
    const address = normalise(smtpAddress);
    if (overrides.ewsUrl !== undefined && overrides.ewsUrl !== '') {
      return Promise.resolve({
        smtpAddress: address,
        ewsUrl: overrides.ewsUrl,
        groupingInformation: '',
        answeredBy: overrides.ewsUrl,
        protocol: 'configured',
      });
    }
    const scope = JSON.stringify([connection.id, overrides.autodiscoverUrl ?? '', overrides.domain ?? '']);
    let entries = this.cache.get(address);
    const cached = entries?.get(scope);
    if (cached !== undefined && cached.expiresAt > this.clock.monotonic()) return cached.promise;

    const run = new AutodiscoverRun(
      { http: this.http, srv: this.srv, requestTimeoutMs: this.requestTimeoutMs },
      connection,
      overrides,
    );
    const entry: CacheEntry = { promise: run.discover(address), expiresAt: Infinity };
    if (entries === undefined) {
      entries = new Map();
      this.cache.set(address, entries);
    }
    entries.set(scope, entry);
    void entry.promise.then(
      () => this.settle(address, scope, entry, this.ttlMs),
      () => this.settle(address, scope, entry, this.failureTtlMs),
    );
    return entry.promise;
  }

  forget(smtpAddress: string): void {
    this.cache.delete(normalise(smtpAddress));
  }

  /** Starts the entry's lifetime, unless `forget` dropped it (or a newer lookup replaced it) meanwhile. */
  private settle(address: string, scope: string, entry: CacheEntry, ttlMs: number): void {
    const entries = this.cache.get(address);
    if (entries?.get(scope) !== entry) return;
    if (ttlMs > 0) {
      entry.expiresAt = this.clock.monotonic() + ttlMs;
      return;
    }
    entries.delete(scope);
    if (entries.size === 0) this.cache.delete(address);
  }
}

function normalise(smtpAddress: string): string {
  return smtpAddress.trim().toLowerCase();
}
