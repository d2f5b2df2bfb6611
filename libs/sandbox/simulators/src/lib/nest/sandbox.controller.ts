import { Controller, Delete, Get, HttpCode } from '@nestjs/common';
import { Sandbox } from '../sandbox/sandbox';
import type { SandboxDescription } from '../sandbox/sandbox-description';

/** What the sandbox is (the content of sandbox.json) and a reset of everything recorded. */
@Controller('sandbox')
export class SandboxController {
  constructor(private readonly sandbox: Sandbox) {}

  @Get()
  describe(): SandboxDescription & { readonly environment: Record<string, string> } {
    return { ...this.sandbox.description, environment: this.sandbox.environment() };
  }

  /** Forgets every record and script of every simulator. */
  @Delete('records')
  @HttpCode(204)
  reset(): void {
    this.sandbox.reset();
  }
}
