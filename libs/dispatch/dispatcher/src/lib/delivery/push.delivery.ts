import { Logger } from '@nestjs/common';
import type { MailChange } from '@mailpush/contracts';
import type { Clock } from '@mailpush/leases';
import { NonRetryableError } from '@mailpush/messaging';
import type { PushNotification, PushOutcome, PushProvider } from '@mailpush/push';
import type { NotificationComposer } from '../compose/notification.composer';
import { dedupeKey, type DeliveryDedupe } from '../dedupe/delivery-dedupe.port';
import type { DeliveryLogWriter, DeliveryStatus } from '../delivery-log/delivery-log.writer';
import type { Device } from '../devices/device';
import type { DeviceDirectory } from '../devices/device-directory.port';
import type { DispatchSettings } from '../dispatch.settings';
import {
  CredentialUnavailableError,
  NoPushCredentialError,
  type PushProviderRegistry,
} from '../providers/push-provider.registry';
import type { DispatchMetrics } from '../telemetry/dispatch.metrics';
import { inlineRetryDelay } from './backoff';
import type { PushedMarks } from './pushed-marks.writer';
import { PushesIncompleteError } from './pushes-incomplete.error';
import type { RegistrationPruner } from './registration.pruner';

type FailedOutcome = Extract<PushOutcome, { status: 'failed' }>;

/** One device's push for a batch of changes, with the de-duplication claims it holds. */
interface DevicePush {
  readonly device: Device;
  readonly changes: readonly MailChange[];
  readonly keys: readonly string[];
  readonly notification: PushNotification;
}

/** How a device's push ended, for the message's fate. */
type Ending = 'done' | 'retry-later' | 'rejected';

export interface PushDeliveryParts {
  readonly devices: DeviceDirectory;
  readonly composer: NotificationComposer;
  readonly dedupe: DeliveryDedupe;
  readonly registry: PushProviderRegistry;
  readonly pruner: RegistrationPruner;
  readonly log: DeliveryLogWriter;
  readonly marks: PushedMarks;
  readonly metrics: DispatchMetrics;
  readonly clock: Clock;
  readonly settings: DispatchSettings;
  readonly random?: () => number;
}

/**
 * The use case: pushes a batch of changes of one mailbox to each of its devices, exactly once per device.
 * For each device it claims the changes it has not had yet, composes one push by the device's settings,
 * sends it (retrying transient failures in-process with backoff), and acts on the outcome: commit, prune,
 * or give the claim back. It resolves when every device got its push or needs none; otherwise, once all
 * devices were handled, it throws: `PushesIncompleteError` (the bus retries later) when some push may yet
 * succeed, `NonRetryableError` (dead-lettered at once) when a push was rejected as malformed.
 */
export class PushDelivery {
  private readonly logger = new Logger(PushDelivery.name);
  private readonly random: () => number;

  constructor(private readonly parts: PushDeliveryParts) {
    this.random = parts.random ?? Math.random;
  }

  /**
   * `earlier`: changes of the same burst pushed before, counted in the alert this push replaces on the
   * device; only `batch` is claimed and pushed here.
   */
  async deliver(mailboxId: string, batch: readonly MailChange[], earlier: readonly MailChange[] = []): Promise<void> {
    const changes = uniqueChanges(batch);
    const devices = await this.parts.devices.activeDevices(mailboxId);
    if (devices.length === 0 || changes.length === 0) return;
    const now = new Date(this.parts.clock.now());
    const held = new Set<string>();
    try {
      // Settled, not all: every claim taken is in `held` before the `finally` gives unused ones back.
      const settled = await Promise.allSettled(
        devices.map((device) => this.prepare(device, changes, earlier, now, held)),
      );
      const prepared = settled.map((result) => {
        if (result.status === 'rejected') throw result.reason;
        return result.value;
      });
      const pushes = prepared.flatMap((p) => (p.push === undefined ? [] : [p.push]));
      const busy = prepared.filter((p) => p.busy).length;
      const { endings, reasons } = await this.sendAll(pushes, held);
      const later = endings.filter((e) => e === 'retry-later').length;
      if (later > 0 || busy > 0) {
        throw new PushesIncompleteError(
          `${changes.length} change(s) of mailbox ${mailboxId}: ${later} device(s) to retry later` +
            (reasons.length > 0 ? ` (${[...new Set(reasons)].join('; ')})` : '') +
            (busy > 0 ? `, ${busy} device(s) being pushed elsewhere` : ''),
        );
      }
      const rejected = endings.filter((e) => e === 'rejected').length;
      if (rejected > 0) {
        throw new NonRetryableError(
          `${changes.length} change(s) of mailbox ${mailboxId}: the push to ${rejected} device(s) was rejected as invalid`,
        );
      }
    } finally {
      // Claims not committed or released on the way (an unexpected error) are given back, so a retry can send.
      await this.release([...held], held);
    }
  }

  /** Claims the device's relevant changes and composes its push; `busy` when another delivery holds some. */
  private async prepare(
    device: Device,
    changes: readonly MailChange[],
    earlier: readonly MailChange[],
    now: Date,
    held: Set<string>,
  ): Promise<{ push?: DevicePush; busy: boolean }> {
    const relevant = this.parts.composer.relevantChanges(device, changes);
    const { registrationId } = device.target;
    const claims = await Promise.all(
      relevant.map(async (change) => {
        const key = dedupeKey(this.parts.settings.keyPrefix, change.changeId, registrationId);
        const claim = await this.parts.dedupe.claim(key, this.parts.settings.claimTtlMs);
        if (claim === 'claimed') held.add(key);
        return { change, key, claim };
      }),
    );
    const claimed = claims.filter((c) => c.claim === 'claimed');
    const busy = claims.some((c) => c.claim === 'in-flight');
    for (const { claim } of claims) if (claim === 'sent') this.parts.metrics.duplicateSkipped();
    if (claimed.length === 0) return { busy };
    const keys = claimed.map((c) => c.key);
    const notification = this.parts.composer.compose(
      device,
      claimed.map((c) => c.change),
      now,
      earlier,
    );
    if (notification === undefined) {
      // Nothing to show for these changes (a badge update with badges off): done, as if pushed.
      await this.commit(keys, held);
      return { busy };
    }
    return { push: { device, changes: claimed.map((c) => c.change), keys, notification }, busy };
  }

  /** Sends every push, retrying the transient failures in rounds; returns how each ended. */
  private async sendAll(
    pushes: readonly DevicePush[],
    held: Set<string>,
  ): Promise<{ endings: Ending[]; reasons: string[] }> {
    const endings: Ending[] = [];
    /** Why the pushes left for later failed, for the retry and dead-letter reason. */
    const reasons: string[] = [];
    let pending = pushes;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const outcomes = await this.sendRound(pending);
      const again: DevicePush[] = [];
      let wait = 0;
      for (const [index, push] of pending.entries()) {
        const { outcome, credentialKey } = outcomes[index] ?? { outcome: lost('no outcome'), credentialKey: undefined };
        const delay =
          outcome.status === 'failed' && outcome.disposition === 'retry' && attempt < this.parts.settings.pushAttempts
            ? inlineRetryDelay(attempt, outcome.retryAfterMs, this.backoff(), this.random)
            : undefined;
        if (outcome.status === 'failed' && delay !== undefined) {
          this.logAttempt(push, 'failed', undefined, `${outcome.reason} (try ${attempt}, retrying)`);
          again.push(push);
          wait = Math.max(wait, delay);
          continue;
        }
        const ending = await this.finish(push, outcome, credentialKey, attempt, held);
        if (ending === 'retry-later' && outcome.status === 'failed') reasons.push(outcome.reason);
        endings.push(ending);
      }
      pending = again;
      if (pending.length > 0) await this.sleep(wait);
    }
    return { endings, reasons };
  }

  /** One send per provider for the pushes of this round; an outcome for every push, in order. */
  private async sendRound(
    pushes: readonly DevicePush[],
  ): Promise<{ outcome: PushOutcome; credentialKey: string | undefined }[]> {
    const results: { outcome: PushOutcome; credentialKey: string | undefined }[] = pushes.map(() => ({
      outcome: lost('not sent'),
      credentialKey: undefined,
    }));
    const groups = new Map<PushProvider, { index: number; push: DevicePush }[]>();
    await Promise.all(
      pushes.map(async (push, index) => {
        try {
          const choice = await this.parts.registry.providerFor(push.device.target);
          results[index] = { outcome: lost('not sent'), credentialKey: choice.credentialKey };
          groups.set(choice.provider, [...(groups.get(choice.provider) ?? []), { index, push }]);
        } catch (error) {
          results[index] = { outcome: unavailable(error), credentialKey: undefined };
        }
      }),
    );
    await Promise.all(
      [...groups].map(async ([provider, members]) => {
        const outcomes = await provider
          .send(members.map(({ push }) => ({ target: push.device.target, notification: push.notification })))
          .catch((error: unknown) => members.map(() => lost(errorText(error))));
        for (const [i, { index }] of members.entries()) {
          const entry = results[index];
          if (entry !== undefined) entry.outcome = outcomes[i] ?? lost('the provider gave no outcome');
        }
      }),
    );
    return results;
  }

  /** Acts on a push's final outcome: commit, prune or give the claims back; logs it. */
  private async finish(
    push: DevicePush,
    outcome: PushOutcome,
    credentialKey: string | undefined,
    attempt: number,
    held: Set<string>,
  ): Promise<Ending> {
    if (outcome.status === 'sent') {
      await this.commitSent(push.keys, held);
      this.parts.marks.pushed(push.device.target.registrationId);
      this.logAttempt(push, 'sent', outcome.providerMessageId, undefined);
      return 'done';
    }
    switch (outcome.disposition) {
      case 'prune':
        return this.prune(push, outcome, held);
      case 'reject':
        await this.release(push.keys, held);
        this.logAttempt(push, 'rejected', undefined, outcome.reason);
        this.logger.error(
          `push to registration ${push.device.target.registrationId} rejected (${outcome.reason}); dead-lettering its change(s)`,
        );
        return 'rejected';
      case 'credential':
        if (credentialKey !== undefined) this.parts.registry.credentialRefused(credentialKey, outcome.reason);
        await this.release(push.keys, held);
        this.logAttempt(push, 'failed', undefined, `${outcome.reason} (credential refused)`);
        return 'retry-later';
      case 'retry':
        await this.release(push.keys, held);
        this.logAttempt(push, 'failed', undefined, `${outcome.reason} (try ${attempt}, retrying later)`);
        return 'retry-later';
    }
  }

  private async prune(push: DevicePush, outcome: FailedOutcome, held: Set<string>): Promise<Ending> {
    let pruned: boolean;
    try {
      pruned = await this.parts.pruner.prune(push.device, outcome.tokenInvalidSince);
    } catch (error) {
      await this.release(push.keys, held);
      this.logAttempt(push, 'failed', undefined, `${outcome.reason} (pruning failed: ${errorText(error)})`);
      return 'retry-later';
    }
    if (pruned) {
      await this.commit(push.keys, held);
      this.logAttempt(push, 'pruned', undefined, outcome.reason);
    } else {
      // The device registered again after the token was declared dead: keep it, and do not retry this push.
      await this.release(push.keys, held);
      this.logAttempt(push, 'failed', undefined, `${outcome.reason} (registration refreshed since; kept)`);
    }
    return 'done';
  }

  private async commit(keys: readonly string[], held: Set<string>): Promise<void> {
    const { dedupe, settings } = this.parts;
    await Promise.all(keys.map((key) => dedupe.commit(key, settings.dedupeTtlSeconds)));
    for (const key of keys) held.delete(key);
  }

  /**
   * Commits the claims of a push that went out. Should that fail (Redis down), the claims are left to lapse
   * rather than released: the push was delivered, and a redelivery meanwhile finds them in flight.
   */
  private async commitSent(keys: readonly string[], held: Set<string>): Promise<void> {
    try {
      await this.commit(keys, held);
    } catch (error) {
      for (const key of keys) held.delete(key);
      this.logger.warn(`a sent push could not be recorded for de-duplication: ${errorText(error)}`);
    }
  }

  /** Gives claims back; a failure only delays the retry until the claim lapses. */
  private async release(keys: readonly string[], held: Set<string>): Promise<void> {
    for (const key of keys) held.delete(key);
    const results = await Promise.allSettled(keys.map((key) => this.parts.dedupe.release(key)));
    const failed = results.filter((r) => r.status === 'rejected').length;
    if (failed > 0) this.logger.warn(`${failed} de-duplication claim(s) not released; they lapse on their own`);
  }

  private logAttempt(
    push: DevicePush,
    status: DeliveryStatus,
    providerMessageId: string | undefined,
    error: string | undefined,
  ): void {
    for (const change of push.changes) {
      this.parts.log.record({
        mailboxId: push.device.mailboxId,
        registrationId: push.device.target.registrationId,
        changeId: change.changeId,
        status,
        providerMessageId: providerMessageId ?? null,
        error: error ?? null,
      });
    }
  }

  private backoff(): { initialDelayMs: number; maxDelayMs: number; maxInlineMs: number } {
    const { retryInitialDelayMs, retryMaxDelayMs, maxInlineRetryMs } = this.parts.settings;
    return { initialDelayMs: retryInitialDelayMs, maxDelayMs: retryMaxDelayMs, maxInlineMs: maxInlineRetryMs };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.parts.clock.setTimer(ms, resolve));
  }
}

/** The first of each change id, in arrival order: the same change seen twice is one change. */
function uniqueChanges(changes: readonly MailChange[]): MailChange[] {
  const seen = new Set<string>();
  return changes.filter((change) => !seen.has(change.changeId) && seen.add(change.changeId));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A push whose fate is unknown (the provider threw or gave no answer): transient. */
function lost(reason: string): FailedOutcome {
  return {
    status: 'failed',
    disposition: 'retry',
    reason,
    httpStatus: undefined,
    retryAfterMs: undefined,
    tokenInvalidSince: undefined,
  };
}

/** No provider to send with: no credential at all (reject), or its circuit is open (retry after it closes). */
function unavailable(error: unknown): FailedOutcome {
  if (error instanceof NoPushCredentialError) return { ...lost(error.message), disposition: 'reject' };
  if (error instanceof CredentialUnavailableError) return { ...lost(error.message), retryAfterMs: error.retryAfterMs };
  return lost(`no provider: ${errorText(error)}`);
}
