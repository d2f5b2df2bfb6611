import { ReadinessCheck } from '@mailpush/runtime';
import { LeaseStore } from './store/lease-store.port';

/** `leases`: ready when the lease store answers (Redis `PING`; always, in-process). */
export class LeasesReadinessCheck extends ReadinessCheck {
  readonly name = 'leases';

  constructor(private readonly store: LeaseStore) {
    super();
  }

  check(): Promise<void> {
    return this.store.ping();
  }
}
