import type { AnyMessageContract } from '../contracts/message.contract';

/**
 * What a feature module says it consumes (`MessagingModule.forFeature`). At boot every declared type must
 * have exactly one handler in the group, so a handler lost in a refactoring stops the app instead of
 * leaving messages piling up unconsumed.
 */
export class ConsumedMessages {
  constructor(
    readonly contracts: readonly AnyMessageContract[],
    /** `undefined`: the app's default group. */
    readonly group: string | undefined,
  ) {}
}
