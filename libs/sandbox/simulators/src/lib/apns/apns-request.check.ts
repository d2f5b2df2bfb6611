/** An APNs error answer: HTTP status and the `reason` of the JSON body. */
export interface ApnsRejection {
  readonly status: number;
  readonly reason: string;
}

/** Push types Apple documents for `apns-push-type`. */
export const APNS_PUSH_TYPES = [
  'alert',
  'background',
  'voip',
  'complication',
  'fileprovider',
  'mdm',
  'location',
  'liveactivity',
  'pushtotalk',
  'widgets',
  'controls',
] as const;

export const APNS_MAX_PAYLOAD_BYTES = 4096;
export const APNS_MAX_VOIP_PAYLOAD_BYTES = 5120;
const MAX_COLLAPSE_ID_BYTES = 64;
const DEVICE_PATH = /^\/3\/device\/([^/?]*)$/;
/** Device tokens are hex; today's are 32 bytes (64 digits), and Apple warns they may grow, so up to 100 bytes. */
const DEVICE_TOKEN = /^(?:[0-9a-fA-F]{2}){32,100}$/;
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CHECKED_HEADERS = new Set([
  'authorization',
  'apns-push-type',
  'apns-id',
  'apns-expiration',
  'apns-priority',
  'apns-topic',
  'apns-collapse-id',
]);

/** `:method` and `:path`: only `POST /3/device/<token>` exists. Resolves the token or the rejection. */
export function checkApnsPath(method: string, path: string): { token: string } | ApnsRejection {
  const match = DEVICE_PATH.exec(path);
  if (match === null) return { status: 404, reason: 'BadPath' };
  if (method !== 'POST') return { status: 405, reason: 'MethodNotAllowed' };
  const token = match[1] ?? '';
  if (token.length === 0) return { status: 400, reason: 'MissingDeviceToken' };
  return { token };
}

/** The device token's shape; Apple answers `BadDeviceToken` for one that is not hex or not a token's length. */
export function checkDeviceToken(token: string): ApnsRejection | undefined {
  return DEVICE_TOKEN.test(token) ? undefined : { status: 400, reason: 'BadDeviceToken' };
}

/** A documented header sent twice (`rawHeaders` is the flat name/value list HTTP/2 received). */
export function checkDuplicateHeaders(rawHeaders: readonly string[]): ApnsRejection | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (!CHECKED_HEADERS.has(name)) continue;
    if (seen.has(name)) return { status: 400, reason: 'DuplicateHeaders' };
    seen.add(name);
  }
  return undefined;
}

/**
 * The `apns-*` headers, once the provider token has verified. `allowedTopics` undefined means any topic.
 * A missing `apns-push-type` is accepted as `alert`, as APNs does for iOS.
 */
export function checkApnsHeaders(
  headers: Readonly<Record<string, string | undefined>>,
  allowedTopics: ReadonlySet<string> | undefined,
): ApnsRejection | undefined {
  const topic = headers['apns-topic'];
  if (topic === undefined || topic.length === 0) return { status: 400, reason: 'MissingTopic' };
  if (allowedTopics !== undefined && !allowedTopics.has(topic)) return { status: 400, reason: 'TopicDisallowed' };

  const pushType = headers['apns-push-type'] ?? 'alert';
  if (!(APNS_PUSH_TYPES as readonly string[]).includes(pushType)) return { status: 400, reason: 'InvalidPushType' };

  const priority = headers['apns-priority'] ?? '10';
  if (!['1', '5', '10'].includes(priority)) return { status: 400, reason: 'BadPriority' };
  // Apple: a background (content-available only) notification sent with priority 10 is an error.
  if (pushType === 'background' && priority === '10') return { status: 400, reason: 'BadPriority' };

  const expiration = headers['apns-expiration'];
  if (expiration !== undefined && !/^\d{1,12}$/.test(expiration)) return { status: 400, reason: 'BadExpirationDate' };

  const collapseId = headers['apns-collapse-id'];
  if (collapseId !== undefined && Buffer.byteLength(collapseId) > MAX_COLLAPSE_ID_BYTES) {
    return { status: 400, reason: 'BadCollapseId' };
  }

  const apnsId = headers['apns-id'];
  if (apnsId !== undefined && !CANONICAL_UUID.test(apnsId)) return { status: 400, reason: 'BadMessageId' };
  return undefined;
}

/**
 * The body: present, within the size limit of its push type, and a JSON object. Apple documents no reason for
 * a body that is not JSON; the simulator answers 400 `BadPayload` (its own name) so clients see a permanent 400.
 */
export function checkApnsPayload(
  body: { readonly bytes: Buffer; readonly size: number },
  pushType: string | undefined,
): { payload: Record<string, unknown> } | ApnsRejection {
  if (body.size === 0) return { status: 400, reason: 'PayloadEmpty' };
  const limit = pushType === 'voip' ? APNS_MAX_VOIP_PAYLOAD_BYTES : APNS_MAX_PAYLOAD_BYTES;
  if (body.size > limit) return { status: 413, reason: 'PayloadTooLarge' };
  let payload: unknown;
  try {
    payload = JSON.parse(body.bytes.toString('utf8'));
  } catch {
    return { status: 400, reason: 'BadPayload' };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { status: 400, reason: 'BadPayload' };
  }
  return { payload: payload as Record<string, unknown> };
}

export function isCanonicalUuid(value: string | undefined): value is string {
  return value !== undefined && CANONICAL_UUID.test(value);
}
