import type { ApnsSimulator } from '../apns/apns-simulator';
import type { FcmSimulator } from '../fcm/fcm-simulator';
import type { GraphSimulator } from '../graph/graph-simulator';
import type { OpenIdSimulator } from '../oidc/open-id-simulator';
import { sandboxEnvironment, type SandboxDescription, type SandboxFiles } from './sandbox-description';

/** The running simulators of one sandbox, and the files that let other processes use them. */
export class Sandbox {
  private closing: Promise<void> | undefined;

  constructor(
    readonly apns: ApnsSimulator,
    readonly fcm: FcmSimulator,
    readonly oidc: OpenIdSimulator,
    readonly graph: GraphSimulator,
    readonly files: SandboxFiles,
    readonly description: SandboxDescription,
  ) {}

  /** The mailpush environment variables that point a service at these simulators. */
  environment(): Record<string, string> {
    return sandboxEnvironment(this.description);
  }

  /** Forgets every simulator's records and scripts. */
  reset(): void {
    this.apns.reset();
    this.fcm.reset();
    // Graph's mailboxes and subscriptions are state the services rely on, not records.
    this.graph.clearRecords();
  }

  /** Stops every simulator; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= Promise.all([this.apns.close(), this.fcm.close(), this.oidc.close(), this.graph.close()]).then(
      () => undefined,
    );
    return this.closing;
  }
}
