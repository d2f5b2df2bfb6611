import { fcmError, protoError, type GoogleErrorAnswer } from './google-error';

/** A `messages:send` body that passed FCM's checks. */
export interface CheckedSend {
  readonly validateOnly: boolean;
  readonly message: Record<string, unknown>;
  readonly token: string | undefined;
  readonly topic: string | undefined;
  readonly condition: string | undefined;
}

export const FCM_MAX_MESSAGE_BYTES = 4096;
export const FCM_MAX_TOPIC_MESSAGE_BYTES = 2048;
export const FCM_MAX_TTL_SECONDS = 2_419_200;

const REQUEST_FIELDS = new Set(['message', 'validate_only', 'validateOnly']);
const MESSAGE_FIELDS = new Set([
  'name',
  'data',
  'notification',
  'android',
  'webpush',
  'apns',
  'fcm_options',
  'fcmOptions',
  'token',
  'topic',
  'condition',
]);
const TARGETS = ['token', 'topic', 'condition'] as const;
const REGISTRATION_TOKEN = /^[A-Za-z0-9_:.-]{1,4096}$/;
const TOPIC_NAME = /^(?:\/topics\/)?[A-Za-z0-9_.~%-]{1,900}$/;
const DURATION = /^(-?\d+)(?:\.\d{1,9})?s$/;
const ANDROID_PRIORITIES = ['NORMAL', 'HIGH'];

type Checked =
  | { readonly ok: true; readonly send: CheckedSend }
  | { readonly ok: false; readonly error: GoogleErrorAnswer };

/**
 * Checks a send request as FCM does: the JSON must fit the v1 proto (unknown names, wrong types and enum values
 * are rejected by Google's API layer), then FCM's own rules: exactly one target, a token of a token's shape,
 * no reserved data keys, a TTL within four weeks, and a payload within 4096 bytes (2048 for topics).
 */
export function checkSendRequest(body: unknown): Checked {
  if (!isObject(body)) return fail(protoError(undefined, 'Invalid JSON payload received. Expected an object.'));
  const unknownTop = Object.keys(body).find((name) => !REQUEST_FIELDS.has(name));
  if (unknownTop !== undefined) {
    return fail(
      protoError(undefined, `Invalid JSON payload received. Unknown name "${unknownTop}": Cannot find field.`),
    );
  }
  const validateOnly = body['validate_only'] ?? body['validateOnly'] ?? false;
  if (typeof validateOnly !== 'boolean') {
    return fail(protoError('validate_only', `Invalid value at 'validate_only' (TYPE_BOOL), ${show(validateOnly)}`));
  }
  const message = body['message'];
  if (message === undefined)
    return fail(fcmError('INVALID_ARGUMENT', 'Request contains an invalid argument.', 'message'));
  if (!isObject(message)) {
    return fail(
      protoError(
        'message',
        `Invalid value at 'message' (type.googleapis.com/google.firebase.fcm.v1.Message), ${show(message)}`,
      ),
    );
  }
  const unknown = Object.keys(message).find((name) => !MESSAGE_FIELDS.has(name));
  if (unknown !== undefined) {
    return fail(
      protoError(
        undefined,
        `Invalid JSON payload received. Unknown name "${unknown}" at 'message': Cannot find field.`,
      ),
    );
  }

  const problem =
    checkTypes(message) ??
    checkTarget(message) ??
    checkDataKeys(message['data'], 'message.data') ??
    checkAndroid(message['android']) ??
    checkSize(message);
  if (problem !== undefined) return fail(problem);
  return {
    ok: true,
    send: {
      validateOnly,
      message,
      token: optionalString(message['token']),
      topic: optionalString(message['topic']),
      condition: optionalString(message['condition']),
    },
  };
}

/** Proto-level shapes: strings where the proto has strings, string maps where it has `map<string, string>`. */
function checkTypes(message: Record<string, unknown>): GoogleErrorAnswer | undefined {
  for (const field of [...TARGETS, 'name']) {
    const value = message[field];
    if (value !== undefined && typeof value !== 'string') return typeError(`message.${field}`, value);
  }
  for (const field of ['notification', 'android', 'webpush', 'apns', 'fcm_options', 'fcmOptions']) {
    const value = message[field];
    if (value !== undefined && !isObject(value)) return objectError(`message.${field}`, value);
  }
  const notification = message['notification'];
  if (isObject(notification)) {
    for (const field of ['title', 'body', 'image']) {
      const value = notification[field];
      if (value !== undefined && typeof value !== 'string') return typeError(`message.notification.${field}`, value);
    }
  }
  const android = message['android'];
  const apns = message['apns'];
  return (
    checkStringMap(message['data'], 'message.data') ??
    (isObject(android) ? checkStringMap(android['data'], 'message.android.data') : undefined) ??
    (isObject(apns) ? checkStringMap(apns['headers'], 'message.apns.headers') : undefined) ??
    (isObject(apns) && apns['payload'] !== undefined && !isObject(apns['payload'])
      ? objectError('message.apns.payload', apns['payload'])
      : undefined)
  );
}

function checkStringMap(map: unknown, field: string): GoogleErrorAnswer | undefined {
  if (map === undefined) return undefined;
  if (!isObject(map)) return objectError(field, map);
  let index = 0;
  for (const value of Object.values(map)) {
    if (typeof value !== 'string') return typeError(`${field}[${index}].value`, value);
    index += 1;
  }
  return undefined;
}

function checkTarget(message: Record<string, unknown>): GoogleErrorAnswer | undefined {
  const present = TARGETS.filter((field) => message[field] !== undefined);
  if (present.length === 0) {
    return fcmError('INVALID_ARGUMENT', 'Recipient of the message is not set.', 'message');
  }
  if (present.length > 1) {
    return protoError(
      'message',
      `Invalid value at 'message' (oneof), oneof field 'target' is already set. Cannot set '${present[1]}'`,
    );
  }
  const token = message['token'];
  if (typeof token === 'string' && !REGISTRATION_TOKEN.test(token)) {
    return fcmError(
      'INVALID_ARGUMENT',
      'The registration token is not a valid FCM registration token',
      'message.token',
    );
  }
  const topic = message['topic'];
  if (typeof topic === 'string' && !TOPIC_NAME.test(topic)) {
    return fcmError('INVALID_ARGUMENT', 'Invalid topic name.', 'message.topic');
  }
  const condition = message['condition'];
  if (typeof condition === 'string' && condition.trim().length === 0) {
    return fcmError('INVALID_ARGUMENT', 'Invalid condition expression provided.', 'message.condition');
  }
  return undefined;
}

/** Keys FCM reserves for itself: `from`, `gcm` and anything starting with `google`. */
function checkDataKeys(data: unknown, field: string): GoogleErrorAnswer | undefined {
  if (!isObject(data)) return undefined;
  const reserved = Object.keys(data).find((key) => key === 'from' || key === 'gcm' || key.startsWith('google'));
  if (reserved === undefined) return undefined;
  return fcmError(
    'INVALID_ARGUMENT',
    `Invalid data payload key: ${reserved}. "from", "gcm" and keys starting with "google" are reserved.`,
    field,
  );
}

function checkAndroid(android: unknown): GoogleErrorAnswer | undefined {
  if (!isObject(android)) return undefined;
  const priority = android['priority'];
  if (priority !== undefined && (typeof priority !== 'string' || !ANDROID_PRIORITIES.includes(priority))) {
    return protoError(
      'message.android.priority',
      `Invalid value at 'message.android.priority' (type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority), ${show(priority)}`,
    );
  }
  const collapseKey = android['collapse_key'] ?? android['collapseKey'];
  if (collapseKey !== undefined && typeof collapseKey !== 'string') {
    return typeError('message.android.collapse_key', collapseKey);
  }
  const ttl = android['ttl'];
  if (ttl === undefined) return checkDataKeys(android['data'], 'message.android.data');
  const match = typeof ttl === 'string' ? DURATION.exec(ttl) : null;
  if (match === null) {
    return protoError(
      'message.android.ttl',
      `Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration), ${show(ttl)}`,
    );
  }
  const seconds = Number(match[1]);
  if (seconds < 0 || seconds > FCM_MAX_TTL_SECONDS) {
    return fcmError(
      'INVALID_ARGUMENT',
      `TTL must be between 0 and ${FCM_MAX_TTL_SECONDS} seconds (4 weeks).`,
      'message.android.ttl',
    );
  }
  return checkDataKeys(android['data'], 'message.android.data');
}

/** The payload (the message without its target) within 4096 bytes, or 2048 for a topic or condition. */
function checkSize(message: Record<string, unknown>): GoogleErrorAnswer | undefined {
  const payload = Object.fromEntries(
    Object.entries(message).filter(([key]) => !(TARGETS as readonly string[]).includes(key)),
  );
  const limit = message['token'] === undefined ? FCM_MAX_TOPIC_MESSAGE_BYTES : FCM_MAX_MESSAGE_BYTES;
  const size = Buffer.byteLength(JSON.stringify(payload));
  if (size <= limit) return undefined;
  return fcmError('INVALID_ARGUMENT', `Message is too big: ${size} bytes, the limit is ${limit}.`, 'message');
}

function typeError(field: string, value: unknown): GoogleErrorAnswer {
  return protoError(field, `Invalid value at '${field}' (TYPE_STRING), ${show(value)}`);
}

function objectError(field: string, value: unknown): GoogleErrorAnswer {
  return protoError(field, `Invalid value at '${field}', expected an object: ${show(value)}`);
}

/** How Google's JSON parser echoes an offending value. */
function show(value: unknown): string {
  if (Array.isArray(value)) return 'Starting an array on a scalar field';
  if (isObject(value)) return 'Starting an object on a scalar field';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function fail(error: GoogleErrorAnswer): Checked {
  return { ok: false, error };
}
