export { RichContentError, RichNotificationReader, type EncryptedContent } from './rich-notification.reader.port';
export {
  JoseRichNotificationReader,
  GRAPH_NOTIFICATION_PUBLISHER_APP_ID,
  type JoseRichNotificationReaderOptions,
} from './jose-rich-notification.reader';
export {
  encryptionCertificateFromPem,
  loadEncryptionCertificate,
  type DecryptionKey,
  type EncryptionCertificate,
} from './encryption-certificate';
export { createRichNotificationReader } from './rich-notification-reader.factory';
