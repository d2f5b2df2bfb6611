import type { LoggerService } from '@nestjs/common';
import { ApnsPushProvider } from './apns/apns-push-provider.adapter';
import { FcmPushProvider } from './fcm/fcm-push-provider.adapter';
import type { PushCredential, PushEndpoints } from './port/push-credential';
import type { PushProvider } from './port/push-provider.port';

/**
 * The adapter for a credential: APNs for an Apple key, FCM for a service account. `environment` picks Apple's
 * production or sandbox host (FCM has one). Build one per credential (and APNs environment) and keep it: each
 * holds a long-lived HTTP/2 connection; close it on shutdown or when the credential changes.
 */
export function createPushProvider(
  credential: PushCredential,
  environment: 'production' | 'sandbox',
  endpoints: PushEndpoints,
  logger?: LoggerService,
): PushProvider {
  switch (credential.kind) {
    case 'apns':
      return new ApnsPushProvider({ credential, environment, endpoint: endpoints.apns, ...(logger ? { logger } : {}) });
    case 'fcm':
      return new FcmPushProvider({ credential, endpoint: endpoints.fcm, ...(logger ? { logger } : {}) });
  }
}
