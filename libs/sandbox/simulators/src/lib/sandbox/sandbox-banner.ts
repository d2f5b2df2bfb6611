import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SandboxDescription } from './sandbox-description';

/** The `sandbox.json` that `startSandbox` wrote into `dir`. */
export function readSandboxDescription(dir: string): SandboxDescription {
  return JSON.parse(readFileSync(resolve(dir, 'sandbox.json'), 'utf8')) as SandboxDescription;
}

/** Lines for a person at a terminal: where each simulator is and how to use it. */
export function sandboxBanner(description: SandboxDescription, controlUrl: string): readonly string[] {
  const { apns, fcm, oidc, graph } = description;
  return [
    'mailpush sandbox: local simulators, never for production',
    `  APNs      https://${apns.host}:${apns.port}  key ${apns.keyId}, team ${apns.teamId}, topic ${apns.topic}`,
    `  FCM       ${fcm.endpoint}  project ${fcm.projectId}, token endpoint ${fcm.tokenUrl}`,
    `  OpenID    ${oidc.issuer}  JWKS ${oidc.jwksUrl}, audience ${oidc.audience}`,
    `  Graph     ${graph.baseUrl}/v1.0  tenant ${graph.tenantId}, app ${graph.clientId}`,
    `  files     CA ${apns.caPath}, APNs key ${apns.keyPath}, service account ${fcm.serviceAccountPath}`,
    `  control   ${controlUrl}/sandbox  (GET it for the environment variables that point mailpush here)`,
    `  a device token:  curl -s -X POST ${controlUrl}/sandbox/oidc/tokens -H 'content-type: application/json' -d '{"upn":"alice@example.com"}'`,
  ];
}
