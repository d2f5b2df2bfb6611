import { Body, Controller, Post } from '@nestjs/common';
import { MintRequestSchema } from '../oidc/mint-request.schema';
import { Sandbox } from '../sandbox/sandbox';
import { parseBody } from './parse-body';

/** Device-user tokens from the OpenID simulator, for a person trying the registration API by hand. */
@Controller('sandbox/oidc')
export class OidcControlController {
  constructor(private readonly sandbox: Sandbox) {}

  /** `{ upn | email | preferred_username | sub, expiresInSeconds? }` → `{ token }`. */
  @Post('tokens')
  async mint(@Body() body: unknown): Promise<{ token: string }> {
    const { expiresInSeconds, ...claims } = parseBody(MintRequestSchema, body);
    return { token: await this.sandbox.oidc.mint(claims, expiresInSeconds === undefined ? {} : { expiresInSeconds }) };
  }
}
