import type { DeviceSettings } from '@mailpush/contracts';
import type { PushTarget } from '@mailpush/push';

/** A device that receives pushes for a mailbox: where to push, and what it wants pushed. */
export interface Device {
  readonly mailboxId: string;
  readonly target: PushTarget;
  /** BCP 47 tag the device registered with (`de-CH`), for the generic texts. */
  readonly locale: string | undefined;
  readonly settings: DeviceSettings;
  /** When the registration was last written (registered, refreshed, settings changed): APNs 410 compares it. */
  readonly refreshedAt: Date;
}
