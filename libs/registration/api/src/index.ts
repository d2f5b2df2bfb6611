export { RegistrationModule, type RegistrationModuleSetup } from './lib/registration.module';
export { RegistrationSettings, type AuthSettings, type RegistrationModuleOptions } from './lib/registration.settings';
export { MailboxBackendResolver, type MailboxPlacement } from './lib/backend/mailbox-backend-resolver.port';
export { PendingMailboxBackendResolver } from './lib/backend/pending-mailbox-backend-resolver.adapter';
export { ConnectionDomainResolver } from './lib/backend/connection-domain-resolver.adapter';
export { RegistrationService, type RegisterResult } from './lib/registrations/registration.service';
export { RegistrationPurge } from './lib/registrations/registration-purge.service';
export { MAILBOX_UNWATCHED, MAILBOX_WATCHED } from './lib/registrations/mailbox-watch-status';
export { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, type Problem } from './lib/http/problem';
export type { FieldError } from './lib/validation/field-error';
export {
  RegisterDeviceSchema,
  UpdateSettingsSchema,
  type RegisterDevice,
} from './lib/validation/registration-request.schemas';
export { RegistrationSchema, type RegistrationView } from './lib/validation/registration-response.schemas';
export { registrationOpenApiDocument } from './lib/openapi/openapi.document';
export type { OpenApiDocument } from './lib/openapi/openapi.types';
