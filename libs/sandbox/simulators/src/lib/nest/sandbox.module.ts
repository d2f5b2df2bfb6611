import {
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { Sandbox } from '../sandbox/sandbox';
import { ApnsControlController } from './apns-control.controller';
import { FcmControlController } from './fcm-control.controller';
import { GraphControlController } from './graph-control.controller';
import { OidcControlController } from './oidc-control.controller';
import { SandboxController } from './sandbox.controller';

const CONTROLLERS = [
  SandboxController,
  ApnsControlController,
  FcmControlController,
  OidcControlController,
  GraphControlController,
];

/**
 * The sandbox's JSON control API under `/sandbox` (records, scripts, device tokens) on the app's HTTP port.
 * Not global. Owns the simulators: they are closed when the application shuts down.
 */
@Module({})
export class SandboxModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SandboxModule.name);

  constructor(private readonly sandbox: Sandbox) {}

  /** For a sandbox already started (tests). */
  static forRoot(sandbox: Sandbox): DynamicModule {
    return SandboxModule.with({ provide: Sandbox, useValue: sandbox });
  }

  /** Starts the sandbox while the application boots, e.g. `forRootAsync(() => startSandbox({...}))`. */
  static forRootAsync(start: () => Promise<Sandbox>): DynamicModule {
    return SandboxModule.with({ provide: Sandbox, useFactory: start });
  }

  private static with(provider: Provider): DynamicModule {
    return { module: SandboxModule, controllers: CONTROLLERS, providers: [provider], exports: [Sandbox] };
  }

  onApplicationBootstrap(): void {
    const { apns, fcm, oidc, graph } = this.sandbox.description;
    this.logger.log(
      `simulators up: APNs https://${apns.host}:${apns.port}, FCM ${fcm.endpoint}, OpenID ${oidc.issuer}, Graph ${graph.baseUrl}; files in ${this.sandbox.files.dir}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sandbox.close();
  }
}
