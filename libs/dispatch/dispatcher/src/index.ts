export { DispatchModule } from './lib/dispatch.module';
export { DispatchSettings, type DispatchModuleOptions } from './lib/dispatch.settings';
export { PushDelivery } from './lib/delivery/push.delivery';
export { PushesIncompleteError } from './lib/delivery/pushes-incomplete.error';
export { NotificationComposer } from './lib/compose/notification.composer';
export { LocaleTexts, SUPPORTED_LANGUAGES } from './lib/compose/locale-texts';
export { DeviceDirectory } from './lib/devices/device-directory.port';
export type { Device } from './lib/devices/device';
export { DeliveryDedupe, dedupeKey, type DedupeClaim } from './lib/dedupe/delivery-dedupe.port';
export { RedisDeliveryDedupe } from './lib/dedupe/redis-delivery-dedupe.adapter';
export { InProcessDeliveryDedupe } from './lib/dedupe/in-process-delivery-dedupe.adapter';
export { PushProviderFactory, type ApnsKeyInput } from './lib/providers/push-provider-factory.port';
export {
  PushProviderRegistry,
  NoPushCredentialError,
  CredentialUnavailableError,
} from './lib/providers/push-provider.registry';
