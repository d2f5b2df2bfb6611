import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import type { ApnsScript } from '../apns/apns-script';
import type { RecordedApnsRequest } from '../apns/recorded-apns-request';
import { Sandbox } from '../sandbox/sandbox';
import { apnsScriptSchema } from './control-api.schemas';
import { parseBody } from './parse-body';

/** Reads what the APNs simulator received and scripts its answers. */
@Controller('sandbox/apns')
export class ApnsControlController {
  constructor(private readonly sandbox: Sandbox) {}

  /** How many requests arrived: cheap to poll while thousands are recorded (benchmarks). */
  @Get('requests/count')
  count(): { count: number } {
    return { count: this.sandbox.apns.requests().length };
  }

  @Get('requests')
  requests(@Query('token') token?: string): readonly RecordedApnsRequest[] {
    return this.sandbox.apns.requests(token === undefined ? {} : { token });
  }

  /** `{ tokenPrefix, status, reason, timestamp?, retryAfterSeconds?, times? }` or `{ tokenPrefix, goaway: true, reason?, times? }`. */
  @Post('scripts')
  script(@Body() body: unknown): { tokenPrefix: string } & ApnsScript {
    const { tokenPrefix, ...script } = parseBody(apnsScriptSchema(body), body);
    this.sandbox.apns.script(tokenPrefix, script);
    return { tokenPrefix, ...script };
  }

  @Delete('scripts')
  @HttpCode(204)
  clearScripts(): void {
    this.sandbox.apns.clearScripts();
  }
}
