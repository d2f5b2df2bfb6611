/** APNs token-based (.p8) credential of one Apple developer team. One key serves every app (topic) of the team. */
export interface ApnsCredential {
  readonly kind: 'apns';
  /** PKCS#8 PEM of the ES256 signing key (the .p8 file). */
  readonly keyPem: string;
  /** 10-character key id. */
  readonly keyId: string;
  /** 10-character team id. */
  readonly teamId: string;
}

/** A Google service account allowed to send with FCM HTTP v1 for one Firebase project. */
export interface FcmCredential {
  readonly kind: 'fcm';
  readonly projectId: string;
  readonly clientEmail: string;
  /** PKCS#8 PEM of the RS256 key. */
  readonly privateKeyPem: string;
  readonly privateKeyId: string | undefined;
  /** The service account's `token_uri`. */
  readonly tokenUri: string;
}

export type PushCredential = ApnsCredential | FcmCredential;

/** Where the providers are; every field defaults to the real service. Sovereign proxies and simulators set them. */
export interface PushEndpoints {
  readonly apns: {
    /** Overrides both api.push.apple.com and api.sandbox.push.apple.com. */
    readonly host: string | undefined;
    readonly port: number | undefined;
    /** Extra trusted CA (PEM) for the APNs TLS connection. */
    readonly caPem: string | undefined;
  };
  readonly fcm: {
    /** Default `https://fcm.googleapis.com`. */
    readonly endpoint: string | undefined;
    /** Overrides the service account's `token_uri`. */
    readonly tokenUrl: string | undefined;
    readonly caPem: string | undefined;
  };
}
