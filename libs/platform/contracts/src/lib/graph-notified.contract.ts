import { defineMessage, type PayloadOf } from '@mailpush/messaging';
import { z } from 'zod';

export const GRAPH_CHANGE_TYPES = ['created', 'updated', 'deleted'] as const;
export const GRAPH_LIFECYCLE_EVENTS = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;
export type GraphLifecycleEventName = (typeof GRAPH_LIFECYCLE_EVENTS)[number];

/** The message fields a rich notification (`includeResourceData`) carried, already decrypted and checked. */
const GraphResourceDataSchema = z.object({
  subject: z.string().max(4096).optional(),
  from: z.object({ name: z.string().max(512).optional(), address: z.string().max(320).optional() }).optional(),
  receivedDateTime: z.iso.datetime({ offset: true }).optional(),
  isRead: z.boolean().optional(),
  parentFolderId: z.string().max(1024).optional(),
});

export type GraphResourceData = z.infer<typeof GraphResourceDataSchema>;

const GraphChangeNotifiedSchema = z.object({
  subscriptionId: z.string().min(1).max(255),
  /** The mailbox the subscription belongs to (its `clientState` was checked by the webhook). */
  mailboxId: z.string().min(1).max(36),
  changeType: z.enum(GRAPH_CHANGE_TYPES),
  /** The message's Graph id (`resourceData.id`, or the last segment of `resource`). */
  messageId: z.string().min(1).max(1024),
  tenantId: z.string().max(64).optional(),
  /** When the webhook received it (ISO 8601). */
  notifiedAt: z.iso.datetime({ offset: true }),
  resourceData: GraphResourceDataSchema.optional(),
});

/**
 * Graph notified a change to a message of a watched mailbox. Published (confirmed) by the `/notificationClient`
 * webhook before it answers 202; consumed by the Graph processor, which reads the summary and publishes
 * `mail.changed`.
 */
export const GraphChangeNotified = defineMessage('graph.change-notified', 1, (payload) =>
  GraphChangeNotifiedSchema.parse(payload),
);
export type GraphChangeNotification = PayloadOf<typeof GraphChangeNotified>;

const GraphLifecycleNotifiedSchema = z.object({
  subscriptionId: z.string().min(1).max(255),
  mailboxId: z.string().min(1).max(36),
  lifecycleEvent: z.enum(GRAPH_LIFECYCLE_EVENTS),
  tenantId: z.string().max(64).optional(),
  notifiedAt: z.iso.datetime({ offset: true }),
});

/**
 * Graph sent a lifecycle notification for a subscription: it needs reauthorizing, was removed, or
 * notifications were missed. Published by the webhook; the mailbox's shard owner acts on it.
 */
export const GraphLifecycleNotified = defineMessage('graph.lifecycle-notified', 1, (payload) =>
  GraphLifecycleNotifiedSchema.parse(payload),
);
export type GraphLifecycleNotification = PayloadOf<typeof GraphLifecycleNotified>;
