export {
  defineMessage,
  MessageContract,
  type AnyMessageContract,
  type PayloadOf,
} from './lib/contracts/message.contract';
export type { EnvelopeOptions, MessageEnvelope } from './lib/contracts/message.envelope';
export { MessageValidationError } from './lib/contracts/message-validation.error';
export {
  EventBus,
  type DeadLetter,
  type MessageHandler,
  type PublishOptions,
  type PublishReceipt,
  type ReceivedMessage,
  type SubscribeOptions,
} from './lib/port/event-bus.port';
export { PublishFailedError, type PublishFailure } from './lib/port/publish-failed.error';
export { NonRetryableError } from './lib/port/non-retryable.error';
export { HandlerRegistrationError } from './lib/port/handler-registration.error';
export { InProcessEventBus, type InProcessEventBusOptions } from './lib/in-process/in-process-event-bus.adapter';
export {
  RabbitMqEventBus,
  type AmqpConnect,
  type RabbitMqEventBusOptions,
} from './lib/rabbitmq/rabbitmq-event-bus.adapter';
export { RabbitMqTopology } from './lib/rabbitmq/rabbitmq.topology';
export { HandleMessage, type HandleMessageOptions } from './lib/nest/handle-message.decorator';
export { MessagingModule, type ConsumesDeclaration, type MessagingModuleOptions } from './lib/nest/messaging.module';
export { EventBusReadinessCheck } from './lib/nest/event-bus-readiness.check';
export { backoffDelay, type BackoffSettings } from './lib/core/backoff';
