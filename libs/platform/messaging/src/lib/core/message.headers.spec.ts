import {
  ATTEMPT_HEADER,
  deadLetterHeaders,
  FIRST_FAILED_AT_HEADER,
  readDeadLetter,
  replayHeaders,
  retryHeaders,
} from './message.headers';

describe('message headers', () => {
  const now = new Date('2024-05-01T10:00:00.000Z');
  const later = new Date('2024-05-01T10:05:00.000Z');
  const brokerHeaders = {
    'x-death': [{ reason: 'expired', queue: 'q.retry.50ms', count: 1 }],
    'x-delivery-count': 2,
    'x-first-death-reason': 'expired',
  };

  it('marks a retry with the failure count, the first failure time and the last error, without broker headers', () => {
    const first = retryHeaders({ traceparent: 'tp', ...brokerHeaders }, 1, 'boom', now);
    const second = retryHeaders(first, 2, 'boom again', later);

    expect(second).toEqual({
      traceparent: 'tp',
      [ATTEMPT_HEADER]: 2,
      [FIRST_FAILED_AT_HEADER]: '2024-05-01T10:00:00.000Z',
      'x-mailpush-last-error': 'boom again',
    });
  });

  it('keeps reason, attempts, type, group and failure times on a dead letter, truncating a long reason', () => {
    const headers = deadLetterHeaders(
      { traceparent: 'tp', [FIRST_FAILED_AT_HEADER]: now.toISOString(), ...brokerHeaders },
      { group: 'dispatcher', type: 'mail.changed', attempts: 4, reason: 'x'.repeat(5000) },
      later,
    );

    expect(headers).toEqual({
      traceparent: 'tp',
      'x-mailpush-failure-reason': `${'x'.repeat(999)}…`,
      'x-mailpush-attempts': 4,
      'x-mailpush-original-type': 'mail.changed',
      'x-mailpush-first-failed-at': '2024-05-01T10:00:00.000Z',
      'x-mailpush-dead-lettered-at': '2024-05-01T10:05:00.000Z',
      'x-mailpush-group': 'dispatcher',
    });
  });

  it('drops the failure history on replay and keeps the trace context', () => {
    const dead = deadLetterHeaders({ traceparent: 'tp' }, { group: 'g', type: 't', attempts: 1, reason: 'r' }, now);

    expect(replayHeaders(dead, later)).toEqual({ traceparent: 'tp', 'x-mailpush-replayed-at': later.toISOString() });
  });

  it('reads a dead letter back from body and headers', () => {
    const body = Buffer.from(
      JSON.stringify({ id: 'm-1', type: 'mail.changed', version: 2, occurredAt: 'o', payload: { a: 1 } }),
    );
    const headers = deadLetterHeaders({}, { group: 'g', type: 'mail.changed', attempts: 3, reason: 'r' }, now);

    expect(readDeadLetter('g', body, headers)).toEqual({
      id: 'm-1',
      type: 'mail.changed',
      version: 2,
      group: 'g',
      reason: 'r',
      attempts: 3,
      firstFailedAt: now.toISOString(),
      deadLetteredAt: now.toISOString(),
      occurredAt: 'o',
      payload: { a: 1 },
    });
  });

  it('explains a dead letter the broker moved itself after the delivery limit', () => {
    const body = Buffer.from(JSON.stringify({ id: 'm-1', type: 'mail.changed', version: 1, payload: null }));

    const letter = readDeadLetter('g', body, {
      'x-death': [{ reason: 'delivery_limit', queue: 'mailpush.g', count: 1 }],
      'x-delivery-count': 21,
    });

    expect(letter).toMatchObject({
      id: 'm-1',
      attempts: 21,
      reason: expect.stringContaining('delivery_limit on mailpush.g') as unknown,
    });
  });

  it('reads what it can from a body that is not an envelope', () => {
    expect(readDeadLetter('g', Buffer.from('garbage'), {})).toMatchObject({
      id: '',
      type: 'unknown',
      reason: 'unknown',
      payload: undefined,
    });
  });
});
