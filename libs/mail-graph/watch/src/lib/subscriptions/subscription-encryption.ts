/** The certificate Graph encrypts rich notifications for, as a subscription names it. */
export interface SubscriptionCertificate {
  /** Base64 DER of the public certificate. */
  readonly certificate: string;
  /** At most 128 characters; notifications name it in `encryptedContent.encryptionCertificateId`. */
  readonly certificateId: string;
}

/**
 * Present when rich notifications are on (`GRAPH_RICH_NOTIFICATIONS`): every subscription is then created with
 * `includeResourceData` and this certificate.
 */
export abstract class SubscriptionEncryption {
  abstract forSubscription(): Promise<SubscriptionCertificate>;
}
