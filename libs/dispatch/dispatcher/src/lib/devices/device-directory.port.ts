import type { Device } from './device';

/** The devices that receive pushes for a mailbox. */
export abstract class DeviceDirectory {
  /** Active registrations of the mailbox (status `active`, not expired), possibly a few seconds stale. */
  abstract activeDevices(mailboxId: string): Promise<readonly Device[]>;
  /** Drops what is known about the mailbox's devices: the next lookup reads them afresh. */
  abstract forget(mailboxId: string): void;
}
