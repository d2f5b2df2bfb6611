import type { PushRequest } from '../port/push-provider.port';
import { apnsCollapseId, buildApnsRequest, type ApnsRequest } from './apns-request.builder';

const TOKEN = 'ab'.repeat(32);

function request(overrides: Partial<PushRequest['notification']> = {}, token = TOKEN): PushRequest {
  return {
    target: { registrationId: 'r1', platform: 'ios', token, appId: 'com.example.mail', environment: 'sandbox' },
    notification: {
      kind: 'alert',
      title: 'Alice',
      body: 'Lunch?',
      badge: 3,
      sound: 'default',
      collapseId: 'mail-u1',
      threadId: 'u1',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
      data: { mailbox: 'u1', messageId: 'm1' },
      ...overrides,
    },
  };
}

function built(input: PushRequest): ApnsRequest {
  const result = buildApnsRequest(input, 'id-1');
  if (!('built' in result)) throw new Error(`rejected: ${result.rejected.reason}`);
  return result.built;
}

describe(buildApnsRequest.name, () => {
  it('builds an alert: push type alert, priority 10, mutable content, data beside aps', () => {
    expect(built(request())).toEqual({
      token: TOKEN,
      id: 'id-1',
      topic: 'com.example.mail',
      pushType: 'alert',
      priority: 10,
      collapseId: 'mail-u1',
      expiration: Date.parse('2030-01-01T00:00:00Z') / 1000,
      payload: {
        mailbox: 'u1',
        messageId: 'm1',
        aps: {
          alert: { title: 'Alice', body: 'Lunch?' },
          badge: 3,
          sound: 'default',
          'thread-id': 'u1',
          'mutable-content': 1,
        },
      },
    });
  });

  it('builds a badge update as a silent background push at priority 5', () => {
    const result = built(request({ kind: 'badge', title: undefined, body: undefined, sound: 'default', badge: 0 }));

    expect(result).toMatchObject({ pushType: 'background', priority: 5 });
    expect(result.payload).toEqual({ mailbox: 'u1', messageId: 'm1', aps: { 'content-available': 1, badge: 0 } });
  });

  it('shortens a 5000-byte body so that the payload fits in 4096 bytes', () => {
    const result = built(request({ body: 'é'.repeat(2500) }));

    const size = Buffer.byteLength(JSON.stringify(result.payload), 'utf8');
    expect(size).toBeLessThanOrEqual(4096);
    expect(size).toBeGreaterThan(4090);
    expect((result.payload['aps'] as { alert: { body: string } }).alert.body).toMatch(/^é+…$/);
  });

  it('hashes a collapse id longer than 64 bytes, stably', () => {
    const long = 'mailbox-'.repeat(10);

    expect(apnsCollapseId(long)).toHaveLength(43);
    expect(apnsCollapseId(long)).toBe(apnsCollapseId(long));
    expect(apnsCollapseId('é'.repeat(32))).toBe('é'.repeat(32));
    expect(apnsCollapseId('é'.repeat(33))).not.toBe('é'.repeat(33));
  });

  it('asks APNs to deliver once, without storing, when the expiry has passed', () => {
    expect(built(request({ expiresAt: new Date(-1000) })).expiration).toBe(0);
  });

  it('prunes a token that is not hex', () => {
    expect(buildApnsRequest(request({}, 'not-a-token'), 'id')).toEqual({
      rejected: expect.objectContaining({ disposition: 'prune', reason: 'local: malformed APNs device token' }),
    });
  });

  it.each<[string, PushRequest]>([
    ['a data key "aps"', request({ data: { aps: 'x' } })],
    ['a negative badge', request({ badge: -1 })],
    ['an invalid expiry', request({ expiresAt: new Date(Number.NaN) })],
    ['custom data beyond 4096 bytes', request({ data: { big: 'x'.repeat(5000) } })],
    ['an android target', { ...request(), target: { ...request().target, platform: 'android' } }],
  ])('rejects %s locally', (_what, input) => {
    const result = buildApnsRequest(input, 'id');

    expect(result).toEqual({ rejected: expect.objectContaining({ disposition: 'reject' }) });
  });
});
