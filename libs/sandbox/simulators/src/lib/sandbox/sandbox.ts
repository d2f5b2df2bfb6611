import type { ApnsSimulator } from '../apns/apns-simulator';
import type { FcmSimulator } from '../fcm/fcm-simulator';
import type { OpenIdSimulator } from '../oidc/open-id-simulator';
import type { SandboxDescription, SandboxFiles } from './sandbox-description';

/** The running simulators of one sandbox, and the files that let other processes use them. */
export class Sandbox {
  private closing: Promise<void> | undefined;

  constructor(
    readonly apns: ApnsSimulator,
    readonly fcm: FcmSimulator,
    readonly oidc: OpenIdSimulator,
    readonly files: SandboxFiles,
    readonly description: SandboxDescription,
  ) {}

  /** The mailpush environment variables that point a service at these simulators. */
  environment(): Record<string, string> {
    const { apns, fcm, oidc } = this.description;
    return {
      APNS_HOST: apns.host,
      APNS_PORT: String(apns.port),
      APNS_CA_PATH: apns.caPath,
      APNS_KEY_PATH: apns.keyPath,
      APNS_KEY_ID: apns.keyId,
      APNS_TEAM_ID: apns.teamId,
      APNS_TOPIC: apns.topic,
      APNS_ENVIRONMENT: 'sandbox',
      FCM_SERVICE_ACCOUNT_PATH: fcm.serviceAccountPath,
      FCM_PROJECT_ID: fcm.projectId,
      FCM_ENDPOINT: fcm.endpoint,
      FCM_TOKEN_URL: fcm.tokenUrl,
      FCM_CA_PATH: fcm.caPath,
      AUTH_JWKS_URL: oidc.jwksUrl,
      AUTH_ISSUER: oidc.issuer,
      AUTH_AUDIENCE: oidc.audience,
    };
  }

  /** Forgets every simulator's records and scripts. */
  reset(): void {
    this.apns.reset();
    this.fcm.reset();
  }

  /** Stops all three simulators; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= Promise.all([this.apns.close(), this.fcm.close(), this.oidc.close()]).then(() => undefined);
    return this.closing;
  }
}
