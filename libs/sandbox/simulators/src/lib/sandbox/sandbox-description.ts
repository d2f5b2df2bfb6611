/** What `sandbox.json` holds: where each simulator listens and the files a service needs to talk to it. */
export interface SandboxDescription {
  readonly apns: {
    readonly host: string;
    readonly port: number;
    readonly keyId: string;
    readonly teamId: string;
    readonly topic: string;
    readonly keyPath: string;
    readonly caPath: string;
  };
  readonly fcm: {
    readonly endpoint: string;
    readonly tokenUrl: string;
    readonly projectId: string;
    readonly serviceAccountPath: string;
    readonly caPath: string;
  };
  readonly oidc: {
    readonly issuer: string;
    readonly jwksUrl: string;
    readonly audience: string;
    /** `POST {"upn": "..."}` here answers `{"token": "..."}`. */
    readonly mintUrl: string;
  };
  readonly graph: {
    /** GRAPH_BASE_URL (the simulator serves `/v1.0`). */
    readonly baseUrl: string;
    /** GRAPH_AUTHORITY_HOST (`/{tenant}/oauth2/v2.0/token`). */
    readonly authorityHost: string;
    readonly tenantId: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly caPath: string;
  };
}

/** The files `startSandbox` writes into its folder. */
export interface SandboxFiles {
  readonly dir: string;
  /** The CA certificate every simulator's TLS certificate chains to. */
  readonly caPath: string;
  /** The APNs signing key (.p8, PKCS#8 PEM), mode 0600. */
  readonly apnsKeyPath: string;
  /** The FCM service account JSON, mode 0600. */
  readonly fcmServiceAccountPath: string;
  /** `SandboxDescription` as JSON. */
  readonly descriptionPath: string;
}

/** The mailpush environment variables that point a service at the sandbox `description` describes. */
export function sandboxEnvironment(description: SandboxDescription): Record<string, string> {
  const { apns, fcm, oidc, graph } = description;
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
    GRAPH_TENANT_ID: graph.tenantId,
    GRAPH_CLIENT_ID: graph.clientId,
    GRAPH_CLIENT_SECRET: graph.clientSecret,
    GRAPH_BASE_URL: graph.baseUrl,
    GRAPH_AUTHORITY_HOST: graph.authorityHost,
    GRAPH_CA_PATH: graph.caPath,
  };
}
