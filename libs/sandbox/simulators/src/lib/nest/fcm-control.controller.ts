import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import type { FcmScript } from '../fcm/fcm-script';
import type { RecordedFcmRequest, RecordedTokenRequest } from '../fcm/recorded-fcm-request';
import { Sandbox } from '../sandbox/sandbox';
import { fcmScriptSchema } from './control-api.schemas';
import { parseBody } from './parse-body';

/** Reads what the FCM simulator received and scripts its answers. */
@Controller('sandbox/fcm')
export class FcmControlController {
  constructor(private readonly sandbox: Sandbox) {}

  @Get('requests')
  requests(@Query('token') token?: string): readonly RecordedFcmRequest[] {
    return this.sandbox.fcm.requests(token === undefined ? {} : { token });
  }

  @Get('token-requests')
  tokenRequests(): readonly RecordedTokenRequest[] {
    return this.sandbox.fcm.tokenRequests();
  }

  /** `{ tokenPrefix, errorCode, message?, retryAfterSeconds?, times? }` or `{ tokenPrefix, goaway: true, times? }`. */
  @Post('scripts')
  script(@Body() body: unknown): { tokenPrefix: string } & FcmScript {
    const { tokenPrefix, ...script } = parseBody(fcmScriptSchema(body), body);
    this.sandbox.fcm.script(tokenPrefix, script);
    return { tokenPrefix, ...script };
  }

  @Delete('scripts')
  @HttpCode(204)
  clearScripts(): void {
    this.sandbox.fcm.clearScripts();
  }
}
