import { EventEmitter } from 'node:events';
import type { ConfirmChannel } from 'amqplib';
import { ConfirmPublisher, type OutgoingMessage } from './confirm.publisher';

type Confirm = (error: unknown) => void;

/** A confirm channel that confirms, nacks, returns and closes when the test says so. */
class FakeConfirmChannel extends EventEmitter {
  readonly written: { routingKey: string; messageId: string; mandatory: unknown; confirm: Confirm }[] = [];
  flushes = true;
  closed = false;

  publish(
    _exchange: string,
    routingKey: string,
    _content: Buffer,
    options: { messageId: string; mandatory?: boolean },
    confirm: Confirm,
  ): boolean {
    if (this.closed) throw new Error('Channel closed');
    this.written.push({ routingKey, messageId: options.messageId, mandatory: options.mandatory, confirm });
    return this.flushes;
  }

  returnMessage(messageId: string): void {
    this.emit('return', { fields: { routingKey: 'mail.changed' }, properties: { messageId, type: 'mail.changed' } });
  }

  closeWithUnconfirmed(): void {
    this.closed = true;
    for (const w of this.written) w.confirm(new Error('channel closed'));
    this.emit('close');
  }
}

function message(id: string): OutgoingMessage {
  return {
    exchange: 'mailpush.events',
    routingKey: 'mail.changed',
    body: Buffer.from('{}'),
    properties: { messageId: id, type: 'mail.changed', persistent: true },
  };
}

const soon = (): number => Date.now() + 1_000;

describe(ConfirmPublisher.name, () => {
  let channel: FakeConfirmChannel;
  let sut: ConfirmPublisher;

  beforeEach(() => {
    channel = new FakeConfirmChannel();
    sut = new ConfirmPublisher(channel as unknown as ConfirmChannel);
  });

  it('resolves only when the broker acks, and publishes as mandatory', async () => {
    let confirmed = false;
    const publishing = sut.publish(message('m-1'), soon()).then(() => {
      confirmed = true;
    });
    await Promise.resolve();
    const confirmedBeforeAck = confirmed;

    channel.written[0]?.confirm(null);

    await publishing;
    expect(confirmedBeforeAck).toBe(false);
    expect(channel.written[0]?.mandatory).toBe(true);
  });

  it('rejects as nacked when the broker refuses the message', async () => {
    const publishing = sut.publish(message('m-1'), soon());
    await Promise.resolve();

    channel.written[0]?.confirm(new Error('message nacked'));

    await expect(publishing).rejects.toMatchObject({ name: 'PublishFailedError', failure: 'nacked' });
  });

  it('rejects as unroutable when the broker returns the message before acking it', async () => {
    const publishing = sut.publish(message('m-1'), soon());
    await Promise.resolve();

    channel.returnMessage('m-1');
    channel.written[0]?.confirm(null);

    await expect(publishing).rejects.toMatchObject({ failure: 'unroutable' });
    await expect(publishing).rejects.toThrow('no queue is bound for mail.changed on "mailpush.events"');
  });

  it('rejects as connection-lost when the channel closes before the confirm, and afterwards', async () => {
    const publishing = sut.publish(message('m-1'), soon());
    await Promise.resolve();

    channel.closeWithUnconfirmed();

    await expect(publishing).rejects.toMatchObject({ failure: 'connection-lost' });
    await expect(sut.publish(message('m-2'), soon())).rejects.toMatchObject({ failure: 'connection-lost' });
    expect(sut.isOpen).toBe(false);
  });

  it('rejects as timeout when no confirm comes before the deadline', async () => {
    const publishing = sut.publish(message('m-1'), Date.now() + 30);

    await expect(publishing).rejects.toMatchObject({ failure: 'timeout' });
  });

  it('keeps two publishes of one id apart, so a return cannot be matched to the wrong one', async () => {
    const first = sut.publish(message('m-1'), soon());
    const second = sut.publish(message('m-1'), soon());
    await new Promise((resolve) => setImmediate(resolve));
    const writtenWhileFirstPending = channel.written.length;

    channel.written[0]?.confirm(null);
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    channel.returnMessage('m-1');
    channel.written[1]?.confirm(null);

    expect(writtenWhileFirstPending).toBe(1);
    await expect(second).rejects.toMatchObject({ failure: 'unroutable' });
  });

  it('holds later publishes while the socket buffer is full, until it drains', async () => {
    channel.flushes = false;
    const first = sut.publish(message('m-1'), soon());
    const second = sut.publish(message('m-2'), soon());
    await new Promise((resolve) => setImmediate(resolve));
    const writtenBeforeDrain = channel.written.length;

    channel.flushes = true;
    channel.emit('drain');
    await new Promise((resolve) => setImmediate(resolve));
    for (const w of channel.written) w.confirm(null);

    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
    expect(writtenBeforeDrain).toBe(1);
  });
});
