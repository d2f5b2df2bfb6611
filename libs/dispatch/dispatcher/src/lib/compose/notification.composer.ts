import { Injectable } from '@nestjs/common';
import type { MailChange } from '@mailpush/contracts';
import type { PushNotification } from '@mailpush/push';
import type { Device } from '../devices/device';
import { mailboxCollapseId } from './collapse-id';
import { effectiveSettings, type EffectiveSettings } from './device-settings';
import { LocaleTexts } from './locale-texts';
import { isQuietTime } from './quiet-hours';

/** Alerts stay deliverable for a day; a badge update is superseded by the next one within the hour. */
const ALERT_TTL_MS = 24 * 3600 * 1000;
const BADGE_TTL_MS = 3600 * 1000;
/** Lock screens show a line or two; the cut also keeps every payload far below the 4 KB of APNs and FCM. */
const MAX_TITLE_CHARS = 120;
const MAX_BODY_CHARS = 240;
/** Budget of the `changeIds` data value: the latest ids that fit. */
const MAX_CHANGE_IDS_CHARS = 1024;

/**
 * Turns the mail changes of one mailbox into the push one device gets, by that device's settings: folders,
 * VIP senders, quiet hours (in the device's time zone), preview, badge, sound and locale. Pure: the time is
 * a parameter.
 */
@Injectable()
export class NotificationComposer {
  /** The changes the device hears about at all: those in a folder it follows. */
  relevantChanges(device: Device, changes: readonly MailChange[]): MailChange[] {
    const { folders } = effectiveSettings(device.settings);
    return changes.filter((change) => folders.has(change.folder.toLowerCase()));
  }

  /**
   * The push for these changes (in arrival order, already filtered and de-duplicated), or `undefined` when
   * there is nothing to show: no alert is due and there is no badge to update.
   *
   * `earlier` are the changes of the same burst already pushed (any folder, repeats allowed). This push
   * replaces theirs on the device (same collapse id), so an alert counts their new messages too; sender,
   * subject, badge and data still follow `changes`.
   */
  compose(
    device: Device,
    changes: readonly MailChange[],
    now: Date,
    earlier: readonly MailChange[] = [],
  ): PushNotification | undefined {
    const latest = changes.at(-1);
    if (latest === undefined) return undefined;
    const settings = effectiveSettings(device.settings);
    const unread = latestUnreadCount(changes);
    const badge = settings.badge ? unread : undefined;
    const common = {
      collapseId: mailboxCollapseId(device.mailboxId),
      threadId: mailboxCollapseId(device.mailboxId),
      data: dataOf(latest.smtpAddress, changes, unread),
      ...(badge === undefined ? {} : { badge }),
    };
    const alerting = alertingMessages(settings, changes, now);
    const newest = alerting.at(-1);
    if (newest === undefined) {
      if (badge === undefined) return undefined;
      return { kind: 'badge', expiresAt: new Date(now.getTime() + BADGE_TTL_MS), ...common };
    }
    const count = alerting.length + alertingMessages(settings, earlierOnly(settings, changes, earlier), now).length;
    const { title, body } = alertText(settings, LocaleTexts.for(device.locale), newest, count);
    return {
      kind: 'alert',
      title: cut(title, MAX_TITLE_CHARS),
      body: cut(body, MAX_BODY_CHARS),
      ...(settings.sound === undefined ? {} : { sound: settings.sound }),
      expiresAt: new Date(now.getTime() + ALERT_TTL_MS),
      ...common,
    };
  }
}

/**
 * The new messages that alert: all of them, or only the VIPs' when the device names VIPs; during quiet
 * hours only the VIPs' (none when there are no VIPs). The rest only update the badge.
 */
function alertingMessages(settings: EffectiveSettings, changes: readonly MailChange[], now: Date): MailChange[] {
  const messages = changes.filter((change) => change.kind === 'new');
  const isVip = (change: MailChange): boolean =>
    settings.vipSenders.has(change.from?.address?.trim().toLowerCase() ?? '');
  const quiet = settings.quietHours !== undefined && isQuietTime(settings.quietHours, now);
  if (quiet || settings.vipSenders.size > 0) return messages.filter(isVip);
  return messages;
}

/** The earlier changes in a followed folder, each change id once, leaving out those in `changes`. */
function earlierOnly(
  settings: EffectiveSettings,
  changes: readonly MailChange[],
  earlier: readonly MailChange[],
): MailChange[] {
  const seen = new Set(changes.map((change) => change.changeId));
  return earlier.filter(
    (change) =>
      settings.folders.has(change.folder.toLowerCase()) && !seen.has(change.changeId) && seen.add(change.changeId),
  );
}

function alertText(
  settings: EffectiveSettings,
  texts: LocaleTexts,
  newest: MailChange,
  count: number,
): { title: string; body: string } {
  const sender = senderOf(newest) ?? texts.newMail;
  const subject = newest.subject?.trim() || texts.noSubject;
  switch (settings.preview) {
    case 'full':
      return count === 1
        ? { title: sender, body: subject }
        : { title: texts.newMessages(count), body: `${sender}: ${subject}` };
    case 'sender':
      return count === 1
        ? { title: sender, body: texts.newMessage }
        : { title: texts.newMessages(count), body: sender };
    case 'none':
      return { title: texts.newMail, body: texts.newMessages(count) };
  }
}

function senderOf(change: MailChange): string | undefined {
  return change.from?.name?.trim() || change.from?.address?.trim() || undefined;
}

function latestUnreadCount(changes: readonly MailChange[]): number | undefined {
  for (let i = changes.length - 1; i >= 0; i--) {
    const count = changes[i]?.unreadCount;
    if (count !== undefined) return count;
  }
  return undefined;
}

/** Custom data for the app: strings only (FCM demands it), never sender or subject. */
function dataOf(mailbox: string, changes: readonly MailChange[], unread: number | undefined): Record<string, string> {
  const data: Record<string, string> = { mailbox };
  const ids: string[] = [];
  let length = 0;
  for (let i = changes.length - 1; i >= 0; i--) {
    const id = changes[i]?.changeId ?? '';
    length += id.length + (ids.length > 0 ? 1 : 0);
    if (length > MAX_CHANGE_IDS_CHARS) break;
    ids.unshift(id);
  }
  if (ids.length > 0) data['changeIds'] = ids.join(',');
  if (unread !== undefined) data['unread'] = String(unread);
  return data;
}

/** At most `max` characters (code points, so no emoji is split), with an ellipsis when cut. */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
