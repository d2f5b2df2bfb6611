import type { Credentials, DevicePlatform } from '@mailpush/persistence';
import type { PushCredential } from '@mailpush/push';
import type { PushProviderFactory } from './push-provider-factory.port';

/**
 * The credential in a `push_credential` row's (decrypted) map:
 * - iOS: `{ keyPem, keyId, teamId }` (the .p8 key's content and its ids);
 * - Android: `{ serviceAccount }` holding the service account JSON as text, or the service account's own
 *   fields (`project_id`, `client_email`, `private_key`, ...) as the map itself.
 * Throws naming the missing field.
 */
export function storedCredential(
  platform: DevicePlatform,
  credentials: Credentials,
  factory: PushProviderFactory,
): Promise<PushCredential> {
  if (platform === 'ios') {
    const { keyPem, keyId, teamId } = credentials;
    if (keyPem === undefined || keyId === undefined || teamId === undefined) {
      const missing = (['keyPem', 'keyId', 'teamId'] as const).filter((field) => credentials[field] === undefined);
      return Promise.reject(new Error(`the APNs credential has no ${missing.join(', ')}`));
    }
    return factory.apnsCredential({ keyPem, keyId, teamId });
  }
  return factory.fcmCredential(credentials['serviceAccount'] ?? credentials);
}
