import type { GraphChangeType } from './graph-records';
import {
  checkResourceData,
  MAX_RICH_SUBSCRIPTION_MINUTES,
  type ResourceDataEncryption,
} from './rich-subscription.check';

/** Graph's maximum lifetime of a subscription to Outlook messages without resource data. */
export const MAX_MESSAGE_SUBSCRIPTION_MINUTES = 10_080;
/** A minute of slack for clock skew between the client and the simulator, beyond which Graph's 400 applies. */
const SKEW_MS = 60_000;
const CHANGE_TYPES: readonly GraphChangeType[] = ['created', 'updated', 'deleted'];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** `users/{id}/mailFolders('inbox')/messages`, `users/{id}/mailFolders/inbox/messages` or `users/{id}/messages`. */
const MESSAGE_RESOURCE = /^\/?(?:users|me)\/([^/]+)\/(?:mailfolders(?:\('inbox'\)|\/inbox)\/)?messages$/i;

export interface SubscriptionRequest {
  readonly changeType: string;
  readonly changeTypes: readonly GraphChangeType[];
  readonly notificationUrl: string;
  readonly lifecycleNotificationUrl: string | null;
  readonly resource: string;
  /** The user id or UPN in `resource`. */
  readonly user: string;
  readonly expirationDateTime: Date;
  readonly clientState: string | null;
  readonly latestSupportedTlsVersion: string;
  /** Set when `includeResourceData` is true: how each notification item is encrypted. */
  readonly resourceData: ResourceDataEncryption | null;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export interface UrlPolicy {
  /** Plain http to hosts other than loopback (a compose network); https is always allowed. */
  readonly allowHttpAnywhere: boolean;
}

/** Validates a `POST /subscriptions` body as Graph does for Outlook messages; messages name the property. */
export function checkSubscriptionRequest(body: unknown, policy: UrlPolicy, now: Date): Checked<SubscriptionRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return fail('The request body must be a JSON object.');
  const fields = body as Record<string, unknown>;
  const includeResourceData = fields['includeResourceData'] ?? false;
  if (typeof includeResourceData !== 'boolean') return fail('includeResourceData: must be true or false.');
  const changeTypes = checkChangeType(fields['changeType']);
  if (!changeTypes.ok) return changeTypes;
  const notificationUrl = checkUrl('notificationUrl', fields['notificationUrl'], policy);
  if (!notificationUrl.ok) return notificationUrl;
  const lifecycleNotificationUrl =
    fields['lifecycleNotificationUrl'] === undefined || fields['lifecycleNotificationUrl'] === null
      ? ({ ok: true, value: null } as const)
      : checkUrl('lifecycleNotificationUrl', fields['lifecycleNotificationUrl'], policy);
  if (!lifecycleNotificationUrl.ok) return lifecycleNotificationUrl;
  const resource = fields['resource'];
  // A query (`?$select=...`) belongs to subscriptions with resource data only.
  const [resourcePath, resourceQuery] = typeof resource === 'string' ? splitQuery(resource) : ['', undefined];
  const match = includeResourceData || resourceQuery === undefined ? MESSAGE_RESOURCE.exec(resourcePath) : null;
  if (typeof resource !== 'string' || match?.[1] === undefined) {
    return fail(`resource: must be users/{id}/mailFolders('inbox')/messages (got ${JSON.stringify(resource)}).`);
  }
  let resourceData: ResourceDataEncryption | null = null;
  if (includeResourceData) {
    const rich = checkResourceData(fields, resourceQuery ?? '');
    if (!rich.ok) return rich;
    resourceData = rich.value;
  }
  const maxMinutes = includeResourceData ? MAX_RICH_SUBSCRIPTION_MINUTES : MAX_MESSAGE_SUBSCRIPTION_MINUTES;
  const expiration = checkExpiration(fields['expirationDateTime'], now, maxMinutes);
  if (!expiration.ok) return expiration;
  const clientState = fields['clientState'];
  if (clientState !== undefined && clientState !== null && typeof clientState !== 'string') {
    return fail('clientState: must be a string.');
  }
  if (typeof clientState === 'string' && clientState.length > 128) {
    return fail(`clientState: must be at most 128 characters (got ${clientState.length}).`);
  }
  const tls = fields['latestSupportedTlsVersion'] ?? 'v1_2';
  if (typeof tls !== 'string' || !['v1_0', 'v1_1', 'v1_2', 'v1_3'].includes(tls)) {
    return fail('latestSupportedTlsVersion: must be one of v1_0, v1_1, v1_2, v1_3.');
  }
  return {
    ok: true,
    value: {
      changeType: changeTypes.value.join(','),
      changeTypes: changeTypes.value,
      notificationUrl: notificationUrl.value,
      lifecycleNotificationUrl: lifecycleNotificationUrl.value,
      resource,
      user: decodeURIComponent(match[1]),
      expirationDateTime: expiration.value,
      clientState: clientState ?? null,
      latestSupportedTlsVersion: tls,
      resourceData,
    },
  };
}

/**
 * `expirationDateTime`: a date in the future, at most `maxMinutes` away (10,080 minutes, 1,440 with resource
 * data); Graph answers 400 beyond.
 */
export function checkExpiration(
  value: unknown,
  now: Date,
  maxMinutes: number = MAX_MESSAGE_SUBSCRIPTION_MINUTES,
): Checked<Date> {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    return fail('expirationDateTime: must be an ISO 8601 date-time.');
  }
  const expiration = new Date(value);
  if (expiration.getTime() <= now.getTime()) {
    return fail('expirationDateTime: Subscription expiration must be in the future.');
  }
  if (expiration.getTime() > now.getTime() + maxMinutes * 60_000 + SKEW_MS) {
    return fail(`expirationDateTime: Subscription expiration can only be ${maxMinutes} minutes in the future.`);
  }
  return { ok: true, value: expiration };
}

function checkChangeType(value: unknown): Checked<GraphChangeType[]> {
  if (typeof value !== 'string' || value.trim() === '') return fail('changeType: must be a non-empty string.');
  const parts = value.split(',').map((part) => part.trim());
  const unknown = parts.filter((part) => !(CHANGE_TYPES as readonly string[]).includes(part));
  if (unknown.length > 0) return fail(`changeType: '${unknown.join(',')}' is not one of created, updated, deleted.`);
  if (new Set(parts).size !== parts.length) return fail('changeType: a change type appears twice.');
  return { ok: true, value: parts as GraphChangeType[] };
}

function checkUrl(field: string, value: unknown, policy: UrlPolicy): Checked<string> {
  if (typeof value !== 'string') return fail(`${field}: must be a URL.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`${field}: must be an absolute URL.`);
  }
  if (url.protocol === 'https:') return { ok: true, value };
  if (url.protocol === 'http:' && (policy.allowHttpAnywhere || LOOPBACK_HOSTS.has(url.hostname))) {
    return { ok: true, value };
  }
  return fail(`${field}: The ${field} must be an https URL (plain http is accepted for loopback only).`);
}

/** `path?query` → `[path, query]`; the query is `undefined` when there is none. */
function splitQuery(resource: string): [string, string | undefined] {
  const at = resource.indexOf('?');
  return at < 0 ? [resource, undefined] : [resource.slice(0, at), resource.slice(at + 1)];
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}
