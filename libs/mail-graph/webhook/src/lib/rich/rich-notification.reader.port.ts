import type { GraphResourceData } from '@mailpush/contracts';

/** `encryptedContent` of one rich change notification, as Graph posts it. */
export interface EncryptedContent {
  readonly data: string;
  readonly dataSignature: string;
  readonly dataKey: string;
  readonly encryptionCertificateId: string;
  readonly encryptionCertificateThumbprint: string;
}

/** Why rich content could not be used; the webhook then treats the item as a basic notification. */
export class RichContentError extends Error {
  override readonly name = 'RichContentError';
}

/**
 * Reads rich notifications (`includeResourceData`): checks the `validationTokens` Graph signs for each POST
 * and decrypts each item's `encryptedContent`, so the processor needs no Graph call for the summary.
 */
export abstract class RichNotificationReader {
  /**
   * True when every token is valid: signed by the identity platform's keys, not expired, `aud` one of our app
   * ids, `appid` Graph's change-notification publisher, issuer `https://sts.windows.net/{tenantId}/`.
   */
  abstract verifyTokens(tokens: readonly string[]): Promise<boolean>;

  /** Checks the HMAC signature and decrypts; throws `RichContentError` when either fails. */
  abstract decrypt(content: EncryptedContent): GraphResourceData;
}
