import { MailChanged, type MailChange } from '@mailpush/contracts';
import type { Clock } from '@mailpush/leases';
import { HandleMessage } from '@mailpush/messaging';
import type { PushDelivery } from '../delivery/push.delivery';
import type { DispatchSettings } from '../dispatch.settings';
import type { DispatchMetrics } from '../telemetry/dispatch.metrics';
import { Coalescer } from './coalescer';

/**
 * Takes `mail.changed` off the bus and has it pushed: the first change of a quiet mailbox at once, the changes
 * that follow within the coalescing window together in one trailing push, which counts the whole burst (it
 * replaces the first push on the device). A handler resolves only once the push of its change was sent (or
 * failed for good), so the message is acknowledged only then and a crash in between loses nothing.
 *
 * How much can gather is bounded by the bus's prefetch: with `AMQP_PREFETCH=1` every change goes alone.
 */
export class MailChangedConsumer {
  private readonly coalescer: Coalescer<MailChange>;

  constructor(delivery: PushDelivery, metrics: DispatchMetrics, clock: Clock, settings: DispatchSettings) {
    this.coalescer = new Coalescer<MailChange>(
      { windowMs: settings.coalesceMs, maxBatch: settings.maxBatch },
      clock,
      async (mailboxId, changes, earlier) => {
        metrics.coalescedChanges(changes.length - 1);
        await delivery.deliver(mailboxId, changes, earlier);
      },
    );
  }

  @HandleMessage(MailChanged, { group: 'dispatcher' })
  async onMailChanged(change: MailChange): Promise<void> {
    await this.coalescer.submit(change.mailboxId, change);
  }
}
