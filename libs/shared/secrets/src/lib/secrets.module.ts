import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { readOrCreateKeyFile } from './key-file';
import { SecretBox } from './secret-box';
import { SecretsError } from './secrets.error';

/** Builds the `SecretBox` from `SECRETS_KEY`, or from the key file the standalone server keeps in its data folder. */
export async function secretBoxFromConfig(config: MailpushConfig, logger = new Logger('Secrets')): Promise<SecretBox> {
  const previous = config.secrets.previousKeys.map((k) => k.reveal());
  const key = config.secrets.key;
  if (key !== undefined) return new SecretBox(key.reveal(), previous);
  const file = config.secrets.keyFile;
  if (file === undefined)
    throw new SecretsError('SECRETS_KEY is not set (32 random bytes, base64: openssl rand -base64 32)');
  const outcome = await readOrCreateKeyFile(file);
  if (outcome.created)
    logger.warn(
      `generated a new secrets key at ${file} (mode 0600); back it up: stored credentials cannot be read without it`,
    );
  return new SecretBox(outcome.key, previous);
}

@Module({})
export class SecretsModule {
  static forRoot(config: MailpushConfig): DynamicModule {
    return {
      module: SecretsModule,
      global: true,
      providers: [{ provide: SecretBox, useFactory: () => secretBoxFromConfig(config) }],
      exports: [SecretBox],
    };
  }
}
