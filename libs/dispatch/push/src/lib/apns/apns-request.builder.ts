import { createHash } from 'node:crypto';
import { failedOutcome, rejectedLocally } from '../errors/failed-outcome';
import type { BuildResult } from '../payload/build-result';
import { notificationProblem } from '../payload/build-result';
import { fitAlertText, MAX_PAYLOAD_BYTES, type AlertText } from '../payload/fit-alert-text';
import type { PushRequest } from '../port/push-provider.port';

/** One APNs request: the device path, the `apns-*` headers and the JSON payload. */
export interface ApnsRequest {
  readonly token: string;
  /** `apns-id`: chosen here, so that every outcome can name its request even when APNs never answered. */
  readonly id: string;
  readonly topic: string;
  readonly pushType: 'alert' | 'background';
  readonly priority: 10 | 5;
  readonly collapseId: string;
  /** `apns-expiration`, seconds since the epoch; 0 (deliver once, never store) when `expiresAt` has passed. */
  readonly expiration: number;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** APNs limits `apns-collapse-id` to 64 bytes. */
const MAX_COLLAPSE_ID_BYTES = 64;
/** Device tokens are hex; today 32 bytes, and Apple warns they may grow. */
const DEVICE_TOKEN = /^(?:[0-9a-fA-F]{2}){32,100}$/;

/**
 * Builds the APNs request for one push: an `alert` (priority 10, `mutable-content` so a notification service
 * extension can rework it) or, for `badge`, a silent `background` push (priority 5, `content-available`, no
 * alert or sound, as Apple requires of background pushes). Custom data goes at the top level beside `aps`.
 * The alert text is shortened to keep the payload within 4096 bytes.
 */
export function buildApnsRequest(request: PushRequest, id: string): BuildResult<ApnsRequest> {
  const { target, notification } = request;
  if (target.platform !== 'ios') return { rejected: rejectedLocally(`target platform ${target.platform} is not ios`) };
  if (!DEVICE_TOKEN.test(target.token)) {
    // The token can never work; it should not have been stored.
    return { rejected: failedOutcome({ disposition: 'prune', reason: 'local: malformed APNs device token' }) };
  }
  if (target.appId.trim() === '') return { rejected: rejectedLocally('target.appId (the APNs topic) is empty') };
  const problem = notificationProblem(request);
  if (problem) return { rejected: rejectedLocally(problem) };
  if ('aps' in notification.data) return { rejected: rejectedLocally('notification.data must not have a key "aps"') };

  const payload = buildPayload(request);
  if (!payload) return { rejected: rejectedLocally('payload exceeds 4096 bytes even without alert text') };
  const alert = notification.kind === 'alert';
  return {
    built: {
      token: target.token.toLowerCase(),
      id,
      topic: target.appId,
      pushType: alert ? 'alert' : 'background',
      priority: alert ? 10 : 5,
      collapseId: apnsCollapseId(notification.collapseId),
      expiration: Math.max(0, Math.floor(notification.expiresAt.getTime() / 1000)),
      payload,
    },
  };
}

function buildPayload({ notification }: PushRequest): Record<string, unknown> | undefined {
  const { kind, badge, sound, threadId, data } = notification;
  if (kind === 'badge') {
    const payload = { ...data, aps: { 'content-available': 1, badge } };
    return Buffer.byteLength(JSON.stringify(payload), 'utf8') <= MAX_PAYLOAD_BYTES ? payload : undefined;
  }
  const render = (text: AlertText): Record<string, unknown> => ({
    ...data,
    aps: {
      alert: text.title === undefined && text.body === undefined ? undefined : { title: text.title, body: text.body },
      badge,
      sound,
      'thread-id': threadId,
      'mutable-content': 1,
    },
  });
  const text = fitAlertText({ title: notification.title, body: notification.body }, (t) => JSON.stringify(render(t)));
  return text ? render(text) : undefined;
}

/** Longer ids are replaced by their SHA-256 (43 base64url characters): still stable, so collapsing still works. */
export function apnsCollapseId(collapseId: string): string {
  if (Buffer.byteLength(collapseId, 'utf8') <= MAX_COLLAPSE_ID_BYTES) return collapseId;
  return createHash('sha256').update(collapseId, 'utf8').digest('base64url');
}
