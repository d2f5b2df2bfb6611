export { SecretBox, keyId } from './lib/secret-box';
export { SecretsError } from './lib/secrets.error';
export { readOrCreateKeyFile, type KeyFileOutcome } from './lib/key-file';
export { SecretsModule, secretBoxFromConfig } from './lib/secrets.module';
