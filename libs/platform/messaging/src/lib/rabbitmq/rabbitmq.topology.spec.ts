import { RetryPolicy } from '../core/retry.policy';
import { RabbitMqTopology } from './rabbitmq.topology';

describe(RabbitMqTopology.name, () => {
  const sut = new RabbitMqTopology('mailpush', new RetryPolicy([1000, 5000, 1000]), 20);

  it('names the exchange and the queues of a group', () => {
    expect(sut.exchange).toBe('mailpush.events');
    expect(sut.workQueue('dispatcher')).toBe('mailpush.dispatcher');
    expect(sut.retryQueue('dispatcher', 5000)).toBe('mailpush.dispatcher.retry.5000ms');
    expect(sut.deadLetterQueue('dispatcher')).toBe('mailpush.dispatcher.dead');
  });

  it('declares the dead-letter queue, one retry queue per distinct delay and the work queue, all quorum', () => {
    const queues = sut.queues('dispatcher');

    expect(queues.map((q) => q.name)).toEqual([
      'mailpush.dispatcher.dead',
      'mailpush.dispatcher.retry.1000ms',
      'mailpush.dispatcher.retry.5000ms',
      'mailpush.dispatcher',
    ]);
    expect(queues.every((q) => q.options.durable === true)).toBe(true);
    expect(queues.map((q) => (q.options.arguments as Record<string, unknown>)['x-queue-type'])).toEqual([
      'quorum',
      'quorum',
      'quorum',
      'quorum',
    ]);
  });

  it('has retry queues expire back into the work queue, and the work queue overflow into the dead-letter queue', () => {
    const [, retry, , work] = sut.queues('dispatcher');

    expect(retry?.options.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-message-ttl': 1000,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'mailpush.dispatcher',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    expect(work?.options.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 20,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'mailpush.dispatcher.dead',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
  });

  it('refuses names that would not make sane queue names', () => {
    expect(() => new RabbitMqTopology('Mail Push', new RetryPolicy([]), 20)).toThrow(/namespace "Mail Push"/);
    expect(() => sut.queues('dispatch.er')).toThrow(/consumer group "dispatch.er"/);
    expect(() => new RabbitMqTopology('mailpush', new RetryPolicy([]), 0)).toThrow(/delivery limit/);
  });
});
