import { Logger } from '@nestjs/common';
import type { Clock } from '@mailpush/leases';
import type { PushCredentialEntity, PushCredentialRepository, PushEnvironment } from '@mailpush/persistence';
import type { PushCredential, PushProvider, PushTarget } from '@mailpush/push';
import type { DispatchMetrics } from '../telemetry/dispatch.metrics';
import { CredentialCircuits } from './credential.circuits';
import { InstrumentedPushProvider } from './instrumented-push.provider';
import type { PushDefaults } from './push-defaults';
import type { PushProviderFactory } from './push-provider-factory.port';
import { storedCredential } from './stored-credential';

/** The provider to send a target's push with, and the credential it uses (for the circuit). */
export interface ProviderChoice {
  readonly provider: PushProvider;
  /** Identifies the credential and its version: `push_credential:<id>:<updated>` or `default:apns`. */
  readonly credentialKey: string;
}

/** No credential serves the target's app: a configuration gap that retrying cannot close. */
export class NoPushCredentialError extends Error {
  override readonly name = 'NoPushCredentialError';
}

/**
 * The target's credential is not usable for now: the provider refused it, or it could not be read or
 * validated. Its circuit is open; pushes that need it wait `retryAfterMs`.
 */
export class CredentialUnavailableError extends Error {
  override readonly name = 'CredentialUnavailableError';

  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

interface CredentialSource {
  readonly key: string;
  readonly load: () => Promise<PushCredential>;
}

/** What the registry reads of the `push_credential` table. */
export type PushCredentialRows = Pick<PushCredentialRepository, 'findFor' | 'readCredentials'>;

export interface PushProviderRegistryOptions {
  readonly circuitOpenMs: number;
  /** How long a looked-up `push_credential` row is trusted before it is read again. */
  readonly credentialCacheTtlMs: number;
}

/**
 * Chooses the credential for a push target (an enabled `push_credential` row of its platform, app and
 * environment, else the environment's default for the platform), and keeps one provider per credential and
 * environment: created on first use, kept for the life of the process (connections stay open), closed on
 * shutdown. Tracks a circuit per credential.
 */
export class PushProviderRegistry {
  private readonly logger = new Logger(PushProviderRegistry.name);
  private readonly circuits: CredentialCircuits;
  private readonly rows = new Map<
    string,
    { readonly row: Promise<PushCredentialEntity | null>; readonly until: number }
  >();
  private readonly providers = new Map<string, Promise<PushProvider>>();
  private closed = false;

  constructor(
    private readonly factory: PushProviderFactory,
    private readonly credentials: PushCredentialRows,
    private readonly defaults: PushDefaults,
    private readonly metrics: DispatchMetrics,
    private readonly clock: Clock,
    private readonly options: PushProviderRegistryOptions,
  ) {
    this.circuits = new CredentialCircuits(clock, options.circuitOpenMs);
  }

  /** Throws `NoPushCredentialError`, or `CredentialUnavailableError` while the credential's circuit is open. */
  async providerFor(target: PushTarget): Promise<ProviderChoice> {
    if (this.closed) throw new Error('the push providers are closed (shutting down)');
    const source = await this.credentialFor(target);
    const openMs = this.circuits.remainingMs(source.key);
    if (openMs > 0) {
      throw new CredentialUnavailableError(`${describe(source.key)} is not used for now (refused or invalid)`, openMs);
    }
    const providerKey = `${source.key}|${target.environment}`;
    let provider = this.providers.get(providerKey);
    if (provider === undefined) {
      provider = this.createProvider(source, target.environment);
      this.providers.set(providerKey, provider);
      this.retireOlderVersions(providerKey);
      provider.catch(() => this.providers.delete(providerKey));
    }
    return { provider: await provider, credentialKey: source.key };
  }

  /** Milliseconds the credential's circuit stays open; 0 while it is closed. */
  circuitRemainingMs(credentialKey: string): number {
    return this.circuits.remainingMs(credentialKey);
  }

  /** The provider refused the credential: stop using it for a while. */
  credentialRefused(credentialKey: string, reason: string): void {
    if (this.circuits.remainingMs(credentialKey) === 0) {
      this.logger.error(
        `${describe(credentialKey)} was refused (${reason}); not using it for ${this.options.circuitOpenMs} ms`,
      );
    }
    this.circuits.open(credentialKey);
  }

  async close(): Promise<void> {
    this.closed = true;
    const providers = [...this.providers.values()];
    this.providers.clear();
    await Promise.allSettled(providers.map(async (provider) => (await provider).close()));
  }

  private async credentialFor(target: PushTarget): Promise<CredentialSource> {
    const row = await this.rowFor(target.platform, target.appId, target.environment);
    if (row?.enabled === true) {
      return {
        key: `push_credential:${row.id}:${row.updatedAt.getTime()}`,
        load: async () => {
          const stored = await this.credentials.readCredentials(row.id);
          if (stored === undefined) throw new Error('the row is gone');
          return storedCredential(row.platform, stored, this.factory);
        },
      };
    }
    const fallback = target.platform === 'ios' ? this.defaults.apns : this.defaults.fcm;
    if (fallback === undefined) {
      const variable = target.platform === 'ios' ? 'APNS_KEY_PATH' : 'FCM_SERVICE_ACCOUNT_PATH';
      throw new NoPushCredentialError(
        `no push credential for ${target.platform} app ${target.appId} (${target.environment}): ` +
          `add one in the admin API or set ${variable}`,
      );
    }
    return { key: `default:${fallback.kind}`, load: () => Promise.resolve(fallback) };
  }

  private rowFor(
    platform: PushTarget['platform'],
    appId: string,
    environment: PushEnvironment,
  ): Promise<PushCredentialEntity | null> {
    const key = `${platform}|${appId}|${environment}`;
    const cached = this.rows.get(key);
    if (cached !== undefined && cached.until > this.clock.now()) return cached.row;
    const row = this.credentials.findFor(platform, appId, environment);
    this.rows.set(key, { row, until: this.clock.now() + this.options.credentialCacheTtlMs });
    row.catch(() => this.rows.delete(key));
    return row;
  }

  private async createProvider(source: CredentialSource, environment: PushEnvironment): Promise<PushProvider> {
    let credential: PushCredential;
    try {
      credential = await source.load();
    } catch (error) {
      const reason = `${describe(source.key)} cannot be used: ${error instanceof Error ? error.message : String(error)}`;
      this.logger.error(`${reason}; not trying it again for ${this.options.circuitOpenMs} ms`);
      this.circuits.open(source.key);
      throw new CredentialUnavailableError(reason, this.options.circuitOpenMs);
    }
    const provider = this.factory.create(credential, environment, this.defaults.endpoints);
    this.logger.log(`${credential.kind} provider for ${describe(source.key)} (${environment}) created`);
    return new InstrumentedPushProvider(provider, this.metrics, describe(source.key));
  }

  /** An updated row gets a new key; the providers of its older versions are closed. */
  private retireOlderVersions(providerKey: string): void {
    const match = /^(push_credential:[^:]+:)\d+\|/.exec(providerKey);
    if (match?.[1] === undefined) return;
    const row = match[1];
    for (const [key, provider] of this.providers) {
      if (key === providerKey || !key.startsWith(row)) continue;
      this.providers.delete(key);
      void provider
        .then((old) => old.close())
        .catch((error: unknown) => this.logger.warn(`closing a retired provider failed: ${String(error)}`));
    }
  }
}

/** `push_credential 7d0c…` or `the default APNs key`, for logs (never the credential itself). */
function describe(credentialKey: string): string {
  if (credentialKey === 'default:apns') return 'the default APNs key (APNS_KEY_PATH)';
  if (credentialKey === 'default:fcm') return 'the default FCM service account (FCM_SERVICE_ACCOUNT_PATH)';
  return `push_credential ${credentialKey.split(':')[1] ?? credentialKey}`;
}
