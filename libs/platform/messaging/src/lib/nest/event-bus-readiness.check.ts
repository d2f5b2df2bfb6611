import { Inject, Injectable } from '@nestjs/common';
import { ReadinessCheck } from '@mailpush/runtime';
import { EventBus } from '../port/event-bus.port';

/** `bus` is ready while the bus is connected (and, for RabbitMQ, its topology declared). */
@Injectable()
export class EventBusReadinessCheck extends ReadinessCheck {
  readonly name = 'bus';

  constructor(@Inject(EventBus) private readonly bus: EventBus) {
    super();
  }

  check(): Promise<void> {
    return this.bus.connected
      ? Promise.resolve()
      : Promise.reject(new Error('not connected to the message broker (reconnecting)'));
  }
}
