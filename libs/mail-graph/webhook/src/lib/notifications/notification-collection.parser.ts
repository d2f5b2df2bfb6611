import { z } from 'zod';
import type { FieldError } from '../http/problem';
import { InvalidNotificationsError } from './invalid-notifications.error';
import { messageIdOf } from './message-id';
import type { NotificationCollection, ParsedNotification } from './parsed-notification';

/** Field errors listed in one answer at most; a POST of thousands of broken items is not echoed back in full. */
const MAX_LISTED_ERRORS = 20;
/** As `GraphChangeNotified` allows. */
const MAX_MESSAGE_ID = 1024;

function text(max: number): z.ZodString {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
}

const optionalText = (max: number) =>
  z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`).nullish();

/** Fields common to change and lifecycle notifications. Unknown fields are allowed: Graph adds some. */
const commonFields = {
  subscriptionId: text(255),
  // Missing or wrong, it fails the clientState check (the item is acknowledged and ignored), not the POST.
  clientState: z.string({ error: 'must be a string' }).nullish(),
  tenantId: optionalText(64),
  subscriptionExpirationDateTime: optionalText(64),
};

const EncryptedContentSchema = z.looseObject({
  data: text(1_048_576),
  dataSignature: text(1024),
  dataKey: text(4096),
  encryptionCertificateId: text(128),
  encryptionCertificateThumbprint: text(256),
});

const ChangeNotificationSchema = z.looseObject({
  ...commonFields,
  changeType: text(64),
  resource: text(4096),
  resourceData: z.looseObject({ id: optionalText(MAX_MESSAGE_ID) }, { error: 'must be an object' }).nullish(),
  encryptedContent: EncryptedContentSchema.nullish(),
});

const LifecycleNotificationSchema = z.looseObject({ ...commonFields, lifecycleEvent: text(64) });

const CollectionSchema = z.looseObject(
  {
    value: z.array(z.unknown(), {
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array'),
    }),
    validationTokens: z.array(z.string({ error: 'must be a string' }), { error: 'must be an array' }).nullish(),
  },
  { error: 'must be a JSON object' },
);

/** `value[3].resourceData.id`, from a zod path; `body` for the whole body. */
function fieldName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const segment of path) {
    if (typeof segment === 'number') name += `[${segment}]`;
    else name += name.length === 0 ? String(segment) : `.${String(segment)}`;
  }
  return name.length === 0 ? 'body' : name;
}

class FieldErrors {
  private readonly listed = new Map<string, FieldError>();
  total = 0;

  add(path: readonly PropertyKey[], message: string): void {
    const field = fieldName(path);
    if (this.listed.has(field)) return;
    this.total += 1;
    if (this.listed.size < MAX_LISTED_ERRORS) this.listed.set(field, { field, message });
  }

  addIssues(prefix: readonly PropertyKey[], issues: readonly z.core.$ZodIssue[]): void {
    for (const issue of issues) this.add([...prefix, ...issue.path], issue.message);
  }

  toError(): InvalidNotificationsError {
    return new InvalidNotificationsError([...this.listed.values()], this.total);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseItem(item: unknown, index: number, errors: FieldErrors): ParsedNotification | undefined {
  const at = ['value', index];
  if (!isObject(item)) {
    errors.add(at, 'must be a notification object');
    return undefined;
  }
  if ('lifecycleEvent' in item) {
    const result = LifecycleNotificationSchema.safeParse(item);
    if (!result.success) {
      errors.addIssues(at, result.error.issues);
      return undefined;
    }
    const n = result.data;
    return {
      kind: 'lifecycle',
      index,
      subscriptionId: n.subscriptionId,
      clientState: n.clientState ?? undefined,
      lifecycleEvent: n.lifecycleEvent,
      tenantId: n.tenantId ?? undefined,
    };
  }
  const result = ChangeNotificationSchema.safeParse(item);
  if (!result.success) {
    errors.addIssues(at, result.error.issues);
    return undefined;
  }
  const n = result.data;
  const messageId = messageIdOf(n.resource, n.resourceData?.id ?? undefined);
  if (messageId === undefined) {
    errors.add([...at, 'resource'], 'must end with the message id (or resourceData.id must be given)');
    return undefined;
  }
  if (messageId.length > MAX_MESSAGE_ID) {
    errors.add([...at, 'resource'], `the message id it ends with must be at most ${MAX_MESSAGE_ID} characters`);
    return undefined;
  }
  return {
    kind: 'change',
    index,
    subscriptionId: n.subscriptionId,
    clientState: n.clientState ?? undefined,
    changeType: n.changeType,
    messageId,
    tenantId: n.tenantId ?? undefined,
    encryptedContent: n.encryptedContent ?? undefined,
  };
}

/**
 * Reads a notification POST (`{ value: [...] }`, Graph's `changeNotificationCollection`): each item is a
 * lifecycle notification when it has `lifecycleEvent`, a change notification otherwise. Throws
 * `InvalidNotificationsError` naming every invalid field (`value[3].subscriptionId`) when any is; values
 * Graph may add later (a new `changeType` or `lifecycleEvent`) are not invalid here.
 */
export function parseNotificationCollection(body: unknown): NotificationCollection {
  const errors = new FieldErrors();
  const collection = CollectionSchema.safeParse(body);
  if (!collection.success) {
    errors.addIssues([], collection.error.issues);
    throw errors.toError();
  }
  const { value, validationTokens } = collection.data;
  const notifications: ParsedNotification[] = [];
  value.forEach((item, index) => {
    const parsed = parseItem(item, index, errors);
    if (parsed !== undefined) notifications.push(parsed);
  });
  if (errors.total > 0) throw errors.toError();
  return { notifications, validationTokens: validationTokens ?? undefined };
}
