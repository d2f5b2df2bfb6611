import type { AnyMessageContract, MessageContract } from '../contracts/message.contract';
import type { ReceivedMessage } from '../port/event-bus.port';

export interface HandleMessageOptions {
  /** Consumer group; default: the app's name (`config.app.name`). Name it when several features share a process. */
  readonly group?: string;
}

export interface MessageHandlerMetadata {
  readonly contract: AnyMessageContract;
  readonly group: string | undefined;
}

/** Handler metadata by method function: no global reflection, and nothing to collide with. */
const handlerMetadata = new WeakMap<object, readonly MessageHandlerMetadata[]>();

/**
 * Marks a provider method as the handler of one message type. `MessagingModule` finds it at boot, checks that
 * no other handler takes the same type in the same group, subscribes it and starts consuming.
 *
 * ```ts
 * @HandleMessage(MailChanged, { group: 'dispatcher' })
 * async onMailChanged(change: MailChangedPayload, message: ReceivedMessage<MailChangedPayload>) { ... }
 * ```
 *
 * The message is acknowledged when the method resolves; a throw (or rejection) retries it on the configured
 * schedule. Handlers must be idempotent on `message.id`: delivery is at least once.
 */
export function HandleMessage<T>(contract: MessageContract<T>, options: HandleMessageOptions = {}) {
  return <M extends (payload: T, message: ReceivedMessage<T>) => Promise<void> | void>(
    _target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const method = descriptor.value;
    if (typeof method !== 'function') {
      throw new Error(`@HandleMessage(${contract.toString()}) must decorate a method, not ${String(key)}`);
    }
    handlerMetadata.set(method, [...(handlerMetadata.get(method) ?? []), { contract, group: options.group }]);
  };
}

/** The `@HandleMessage` declarations on a method, if any. */
export function messageHandlersOf(method: unknown): readonly MessageHandlerMetadata[] {
  return typeof method === 'function' ? (handlerMetadata.get(method) ?? []) : [];
}
