import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Caller } from './caller';

/** Callers of requests that passed `CallerGuard`; weak, so a finished request takes its entry with it. */
const CALLERS = new WeakMap<object, Caller>();

export function rememberCaller(request: object, caller: Caller): void {
  CALLERS.set(request, caller);
}

/** The caller `CallerGuard` authenticated for this request. */
export const AuthenticatedCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const caller = CALLERS.get(context.switchToHttp().getRequest<object>());
  if (caller === undefined) throw new Error('no authenticated caller: the route is missing CallerGuard');
  return caller;
});
