import type { PushRequest } from '../port/push-provider.port';
import { buildFcmMessage, type FcmSendBody } from './fcm-message.builder';

const NOW = new Date('2025-01-01T00:00:00Z');

function request(overrides: Partial<PushRequest['notification']> = {}): PushRequest {
  return {
    target: {
      registrationId: 'r1',
      platform: 'android',
      token: 'fcm-token-1',
      appId: 'com.example.mail',
      environment: 'production',
    },
    notification: {
      kind: 'alert',
      title: 'Alice',
      body: 'Lunch?',
      badge: 3,
      sound: 'default',
      collapseId: 'mail-u1',
      threadId: 'u1',
      expiresAt: new Date(NOW.getTime() + 3600_000),
      data: { mailbox: 'u1' },
      ...overrides,
    },
  };
}

function message(input: PushRequest, now = NOW): Record<string, unknown> {
  const result = buildFcmMessage(input, now);
  if (!('built' in result)) throw new Error(`rejected: ${result.rejected.reason}`);
  return (JSON.parse(result.built.json) as { message: Record<string, unknown> }).message;
}

describe(buildFcmMessage.name, () => {
  it('builds an alert with notification, string data and an android block', () => {
    expect(message(request())).toEqual({
      token: 'fcm-token-1',
      notification: { title: 'Alice', body: 'Lunch?' },
      data: { mailbox: 'u1', badge: '3' },
      android: {
        priority: 'HIGH',
        collapse_key: 'mail-u1',
        ttl: '3600s',
        notification: { tag: 'u1', sound: 'default', notification_count: 3 },
      },
    });
  });

  it('builds a badge update as a data-only message', () => {
    expect(message(request({ kind: 'badge', title: undefined, body: undefined, badge: 0 }))).toEqual({
      token: 'fcm-token-1',
      data: { mailbox: 'u1', badge: '0' },
      android: { priority: 'NORMAL', collapse_key: 'mail-u1', ttl: '3600s' },
    });
  });

  it.each<[number, string]>([
    [-5_000, '0s'],
    [1_500, '2s'],
    [60 * 24 * 3600_000, '2419200s'],
  ])('clamps a TTL of %i ms to %s', (inMs, ttl) => {
    const android = message(request({ expiresAt: new Date(NOW.getTime() + inMs) }))['android'] as { ttl: string };

    expect(android.ttl).toBe(ttl);
  });

  it('shortens a 5000-byte body so that the request fits in 4096 bytes', () => {
    const result = buildFcmMessage(request({ body: '€'.repeat(1700) }), NOW) as { built: FcmSendBody };

    expect(Buffer.byteLength(result.built.json, 'utf8')).toBeLessThanOrEqual(4096);
    const notification = (JSON.parse(result.built.json) as { message: { notification: { body: string } } }).message
      .notification;
    expect(notification.body).toMatch(/^€+…$/);
  });

  it.each<[string, PushRequest]>([
    ['a reserved data key', request({ data: { from: 'x' } })],
    ['a google data key', request({ data: { 'google.x': 'x' } })],
    ['a non-integer badge', request({ badge: 1.5 })],
    ['an ios target', { ...request(), target: { ...request().target, platform: 'ios' } }],
    ['data beyond 4096 bytes', request({ kind: 'badge', data: { big: 'x'.repeat(5000) } })],
  ])('rejects %s locally', (_what, input) => {
    expect(buildFcmMessage(input, NOW)).toEqual({ rejected: expect.objectContaining({ disposition: 'reject' }) });
  });
});
