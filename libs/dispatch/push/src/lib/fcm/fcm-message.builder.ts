import { rejectedLocally } from '../errors/failed-outcome';
import { notificationProblem, type BuildResult } from '../payload/build-result';
import { fitAlertText, type AlertText } from '../payload/fit-alert-text';
import type { PushRequest } from '../port/push-provider.port';

/** FCM keeps messages for at most four weeks. */
export const MAX_FCM_TTL_S = 2_419_200;

/** The body of one `messages:send` (FCM HTTP v1), already serialised, and the token it goes to. */
export interface FcmSendBody {
  readonly token: string;
  readonly json: string;
}

/**
 * Builds the FCM HTTP v1 request for one push. An `alert` carries `notification` (title, body) and
 * `android.notification` (tag = thread, sound, notification_count = badge) at HIGH priority; a `badge` update is
 * data-only at NORMAL priority (Android deprioritises HIGH messages that show nothing). `data` holds the custom
 * keys plus `badge` (overriding a data key of that name), all as strings, which FCM demands. The alert text is shortened to keep the body within
 * 4096 bytes; the whole request body is measured, which is stricter than FCM's own count.
 */
export function buildFcmMessage(request: PushRequest, now: Date): BuildResult<FcmSendBody> {
  const { target, notification } = request;
  if (target.platform !== 'android') {
    return { rejected: rejectedLocally(`target platform ${target.platform} is not android`) };
  }
  if (target.token.trim() === '') return { rejected: rejectedLocally('target.token is empty') };
  const problem = notificationProblem(request) ?? dataProblem(notification.data);
  if (problem) return { rejected: rejectedLocally(problem) };

  const { kind, badge, sound, collapseId, threadId, expiresAt } = notification;
  const data = { ...notification.data, ...(badge === undefined ? {} : { badge: String(badge) }) };
  const ttl = `${Math.min(MAX_FCM_TTL_S, Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000)))}s`;
  const render = (text: AlertText | undefined): string =>
    JSON.stringify({
      message: {
        token: target.token,
        notification:
          text && (text.title ?? text.body) !== undefined ? { title: text.title, body: text.body } : undefined,
        data,
        android: {
          priority: kind === 'alert' ? 'HIGH' : 'NORMAL',
          collapse_key: collapseId,
          ttl,
          notification: text && { tag: threadId, sound, notification_count: badge },
        },
      },
    });
  if (kind === 'badge') {
    const json = render(undefined);
    return Buffer.byteLength(json, 'utf8') <= 4096
      ? { built: { token: target.token, json } }
      : { rejected: rejectedLocally('payload exceeds 4096 bytes') };
  }
  const text = fitAlertText({ title: notification.title, body: notification.body }, render);
  if (!text) return { rejected: rejectedLocally('payload exceeds 4096 bytes even without alert text') };
  return { built: { token: target.token, json: render(text) } };
}

/** FCM reserves these keys; a message using one is refused as INVALID_ARGUMENT. */
function dataProblem(data: Readonly<Record<string, string>>): string | undefined {
  for (const [key, value] of Object.entries(data)) {
    if (key === 'from' || key === 'message_type' || key.startsWith('google') || key.startsWith('gcm')) {
      return `notification.data key "${key}" is reserved by FCM`;
    }
    if (typeof value !== 'string') return `notification.data.${key} must be a string`;
  }
  return undefined;
}
