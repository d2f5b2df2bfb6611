import {
  checkEncryptionCertificate,
  MAX_RICH_SUBSCRIPTION_MINUTES,
  type ResourceDataEncryption,
} from './rich-subscription.check';
import { checkExpiration, MAX_MESSAGE_SUBSCRIPTION_MINUTES, type Checked } from './subscription-request.check';

/** What a `PATCH /subscriptions/{id}` changes. */
export interface SubscriptionRenewal {
  readonly expiration?: Date;
  /** A rotated encryption certificate (subscriptions with resource data only). */
  readonly resourceData?: ResourceDataEncryption;
}

const CERTIFICATE_FIELDS = ['encryptionCertificate', 'encryptionCertificateId'];

/**
 * A PATCH body: `expirationDateTime` (at most 10,080 minutes away, 1,440 with resource data) and, for a
 * subscription with resource data, a new `encryptionCertificate` with its `encryptionCertificateId` (key rotation).
 */
export function checkRenewal(
  body: unknown,
  current: ResourceDataEncryption | null,
  now: Date,
): Checked<SubscriptionRenewal> {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const allowed = current === null ? ['expirationDateTime'] : ['expirationDateTime', ...CERTIFICATE_FIELDS];
  const other = Object.keys(fields).filter((key) => !allowed.includes(key));
  if (other.length > 0) {
    return fail(`${other.join(', ')}: only ${allowed.join(', ')} can be updated (simulator).`);
  }
  const rotates = current !== null && CERTIFICATE_FIELDS.some((key) => key in fields);
  let expiration: Date | undefined;
  if ('expirationDateTime' in fields || !rotates) {
    const maxMinutes = current === null ? MAX_MESSAGE_SUBSCRIPTION_MINUTES : MAX_RICH_SUBSCRIPTION_MINUTES;
    const checked = checkExpiration(fields['expirationDateTime'], now, maxMinutes);
    if (!checked.ok) return checked;
    expiration = checked.value;
  }
  if (!rotates) return { ok: true, value: expiration === undefined ? {} : { expiration } };
  const certificate = checkEncryptionCertificate(fields['encryptionCertificate'], fields['encryptionCertificateId']);
  if (!certificate.ok) return certificate;
  const resourceData = { ...certificate.value, select: current.select };
  return { ok: true, value: expiration === undefined ? { resourceData } : { expiration, resourceData } };
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}
