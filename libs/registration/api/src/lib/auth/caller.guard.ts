import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimitedError } from '../rate-limit/rate-limited.error';
import { TokenBucketRateLimiter } from '../rate-limit/token-bucket.rate-limiter';
import { rememberCaller } from './authenticated-caller.decorator';
import type { Caller } from './caller';
import { AuthenticationError } from './authentication.error';
import { CallerAuthenticator } from './caller-authenticator.service';

/**
 * Authenticates every request of the registration API and applies the rate limit: per mailbox once the
 * caller is known, per client address before that. Only failed authentications spend the address's
 * budget, so that the devices of a whole organisation behind one NAT address are not limited together,
 * while one address guessing tokens is stopped before any signature is checked.
 */
@Injectable()
export class CallerGuard implements CanActivate {
  constructor(
    @Inject(CallerAuthenticator) private readonly authenticator: CallerAuthenticator,
    @Inject(TokenBucketRateLimiter) private readonly limiter: TokenBucketRateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const addressKey = `address:${request.ip ?? 'unknown'}`;
    const before = this.limiter.peek(addressKey);
    if (!before.allowed) throw new RateLimitedError(before.retryAfterSeconds);

    let caller: Caller;
    try {
      caller = await this.authenticator.authenticate(request.headers.authorization);
    } catch (error) {
      if (error instanceof AuthenticationError) this.limiter.take(addressKey);
      throw error;
    }

    const decision = this.limiter.take(`mailbox:${caller.mailbox}`);
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds);
    rememberCaller(request, caller);
    return true;
  }
}
