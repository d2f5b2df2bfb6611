export {
  MailChanged,
  mailChangeId,
  MAIL_CHANGE_KINDS,
  type MailChange,
  type MailChangeKind,
} from './lib/mail-changed.contract';
export {
  RegistrationChanged,
  REGISTRATION_CHANGES,
  type RegistrationChange,
  type RegistrationChangeKind,
} from './lib/registration-changed.contract';
export { DeviceSettingsSchema, DEFAULT_DEVICE_SETTINGS, type DeviceSettings } from './lib/device-settings';
export {
  GraphChangeNotified,
  GraphLifecycleNotified,
  GRAPH_CHANGE_TYPES,
  GRAPH_LIFECYCLE_EVENTS,
  type GraphChangeNotification,
  type GraphLifecycleEventName,
  type GraphLifecycleNotification,
  type GraphResourceData,
} from './lib/graph-notified.contract';
