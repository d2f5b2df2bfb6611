import { Module, type DynamicModule } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { DispatchModule } from '@mailpush/dispatch';
import { FoundationModule } from '@mailpush/foundation';
import { RegistrationModule } from '@mailpush/registration';
import { SandboxMailModule, SandboxModule, type Sandbox } from '@mailpush/simulators';

/**
 * Every mailpush service in one process on embedded infrastructure: registration and dispatch today, the
 * mail sources with their issues. With `SANDBOX=true` the simulators run in the same process and their
 * control API (with `POST /sandbox/mail-changes` standing in for a mail source) is served on the same port.
 */
@Module({})
export class AppModule {
  static forRoot(config: MailpushConfig, sandbox: Sandbox | undefined): DynamicModule {
    return {
      module: AppModule,
      imports: [
        FoundationModule.forRoot(config, { leases: true }),
        RegistrationModule.forRoot(config),
        DispatchModule.forRoot(config),
        ...(sandbox === undefined ? [] : [SandboxModule.forRoot(sandbox), SandboxMailModule]),
      ],
    };
  }
}
