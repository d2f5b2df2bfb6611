import { Logger } from '@nestjs/common';
import type { PushEnvironment } from '@mailpush/persistence';
import {
  createPushProvider,
  loadApnsCredential,
  loadFcmCredential,
  type ApnsCredential,
  type FcmCredential,
  type PushCredential,
  type PushEndpoints,
  type PushProvider,
} from '@mailpush/push';
import { PushProviderFactory, type ApnsKeyInput } from './push-provider-factory.port';

/** The real adapters: APNs over HTTP/2 with token auth, FCM HTTP v1 (`@mailpush/push`). */
export class PushAdaptersFactory extends PushProviderFactory {
  apnsCredential(key: ApnsKeyInput): Promise<ApnsCredential> {
    return loadApnsCredential(key);
  }

  fcmCredential(serviceAccount: unknown): Promise<FcmCredential> {
    return Promise.resolve().then(() => loadFcmCredential(serviceAccount));
  }

  create(credential: PushCredential, environment: PushEnvironment, endpoints: PushEndpoints): PushProvider {
    return createPushProvider(credential, environment, endpoints, new Logger(`Push:${credential.kind}`));
  }
}
