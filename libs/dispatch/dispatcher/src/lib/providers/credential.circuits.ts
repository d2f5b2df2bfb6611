import type { Clock } from '@mailpush/leases';

/**
 * One circuit per credential. A credential the provider refused (APNs 403, FCM auth errors) opens its
 * circuit for a while: pushes that would use it fail fast instead of hammering the provider with a key it
 * rejects, while apps with other credentials keep sending.
 */
export class CredentialCircuits {
  private readonly openUntil = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly openMs: number,
  ) {}

  /** How long the credential's circuit stays open; 0 when closed. */
  remainingMs(credentialKey: string): number {
    const until = this.openUntil.get(credentialKey);
    if (until === undefined) return 0;
    const remaining = until - this.clock.now();
    if (remaining > 0) return remaining;
    this.openUntil.delete(credentialKey);
    return 0;
  }

  open(credentialKey: string): void {
    this.openUntil.set(credentialKey, this.clock.now() + this.openMs);
  }
}
