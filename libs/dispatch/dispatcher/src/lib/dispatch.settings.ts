import type { MailpushConfig } from '@mailpush/config';

/** Tuning that does not come from the environment (tests, tools). */
export interface DispatchModuleOptions {
  /** Prefix of the de-duplication keys in Redis. Default `mailpush`. */
  readonly keyPrefix?: string;
  /** First delay of the in-process push retries (doubling, with jitter). Default 500 ms. */
  readonly retryInitialDelayMs?: number;
  /** Longest delay between in-process push retries. Default 5 s. */
  readonly retryMaxDelayMs?: number;
  /** How long the device list of a mailbox is cached. Default 30 s. */
  readonly deviceCacheTtlMs?: number;
}

/** Longest a provider may take to answer one send, used to size the de-duplication claim. */
const SEND_BOUND_MS = 30_000;

/** Everything the dispatcher's parts are tuned with, derived once from the configuration. */
export class DispatchSettings {
  /**
   * After a mailbox's push starts, its changes within this window are gathered into one next push per device;
   * 0 turns coalescing off.
   */
  readonly coalesceMs: number;
  /** Most changes one coalesced push covers; a bigger burst becomes several pushes. */
  readonly maxBatch = 100;
  readonly dedupeTtlSeconds: number;
  /**
   * How long a device's claim on a change lives while its push is being sent: longer than every in-process
   * try and wait together, so it only lapses when the process died mid-send (and the change is redelivered).
   */
  readonly claimTtlMs: number;
  readonly pushAttempts: number;
  readonly maxInlineRetryMs: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly circuitOpenMs: number;
  readonly deliveryLogRetentionDays: number;
  readonly keyPrefix: string;
  readonly deviceCacheTtlMs: number;
  readonly deviceCacheMaxEntries = 10_000;
  /** How long a looked-up `push_credential` row is trusted before it is read again. */
  readonly credentialCacheTtlMs = 60_000;

  constructor(config: MailpushConfig, options: DispatchModuleOptions = {}) {
    const dispatch = config.dispatch;
    this.coalesceMs = dispatch.coalesceMs;
    this.dedupeTtlSeconds = dispatch.dedupeTtlSeconds;
    this.pushAttempts = dispatch.pushAttempts;
    this.maxInlineRetryMs = dispatch.maxInlineRetryMs;
    this.circuitOpenMs = dispatch.circuitOpenMs;
    this.deliveryLogRetentionDays = dispatch.deliveryLogRetentionDays;
    this.retryInitialDelayMs = options.retryInitialDelayMs ?? 500;
    this.retryMaxDelayMs = options.retryMaxDelayMs ?? 5_000;
    this.claimTtlMs =
      dispatch.pushAttempts * (SEND_BOUND_MS + Math.max(dispatch.maxInlineRetryMs, this.retryMaxDelayMs)) + 60_000;
    this.keyPrefix = options.keyPrefix ?? 'mailpush';
    this.deviceCacheTtlMs = options.deviceCacheTtlMs ?? 30_000;
  }
}
