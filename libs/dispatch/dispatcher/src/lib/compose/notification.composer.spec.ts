/**
 * Runs with the process in another time zone than the devices, to prove quiet hours follow the device.
 * @jest-environment ../../shared/testing/src/lib/time-zone.environment.ts
 * @jest-environment-options {"timeZone": "Pacific/Auckland"}
 */
import type { DeviceSettings, MailChange } from '@mailpush/contracts';
import type { Device } from '../devices/device';
import { mailboxCollapseId } from './collapse-id';
import { NotificationComposer } from './notification.composer';

const MAILBOX = '0b6a4c2e-8d1f-4a3b-9c5d-7e2f1a0b3c4d';
/** 12:00 in Berlin and 07:00 in New York: outside everyone's quiet hours below unless stated. */
const NOON_BERLIN = new Date('2026-01-15T11:00:00Z');

function device(settings: Partial<DeviceSettings> = {}, locale?: string): Device {
  return {
    mailboxId: MAILBOX,
    target: {
      registrationId: 'reg-1',
      platform: 'ios',
      token: 'ab'.repeat(32),
      appId: 'com.example.mail',
      environment: 'production',
    },
    locale,
    settings: { preview: 'full', ...settings },
    refreshedAt: new Date('2026-01-01T00:00:00Z'),
  };
}

let sequence = 0;
function change(overrides: Partial<MailChange> = {}): MailChange {
  sequence += 1;
  return {
    changeId: `${MAILBOX}:item-${sequence}:new`,
    mailboxId: MAILBOX,
    smtpAddress: 'ada@example.com',
    kind: 'new',
    folder: 'inbox',
    itemId: `item-${sequence}`,
    subject: 'Lunch?',
    from: { name: 'Grace Hopper', address: 'grace@example.com' },
    unreadCount: 4,
    source: 'test',
    ...overrides,
  };
}

describe(NotificationComposer.name, () => {
  const sut = new NotificationComposer();

  describe('preview', () => {
    it('full: shows the sender as the title and the subject as the body, with badge, sound and data', () => {
      const newMail = change();

      const push = sut.compose(device(), [newMail], NOON_BERLIN);

      expect(push).toEqual({
        kind: 'alert',
        title: 'Grace Hopper',
        body: 'Lunch?',
        badge: 4,
        sound: 'default',
        collapseId: `mail-${MAILBOX}`,
        threadId: `mail-${MAILBOX}`,
        expiresAt: new Date(NOON_BERLIN.getTime() + 24 * 3600 * 1000),
        data: { mailbox: 'ada@example.com', changeIds: newMail.changeId, unread: '4' },
      });
    });

    it('full: falls back to the sender address, and to "(no subject)"', () => {
      const push = sut.compose(
        device(),
        [change({ from: { address: 'grace@example.com' }, subject: '  ' })],
        NOON_BERLIN,
      );

      expect(push).toMatchObject({ title: 'grace@example.com', body: '(no subject)' });
    });

    it('sender: shows the sender with a generic body, never the subject', () => {
      const push = sut.compose(device({ preview: 'sender' }), [change()], NOON_BERLIN);

      expect(push).toMatchObject({ kind: 'alert', title: 'Grace Hopper', body: 'New message' });
      expect(JSON.stringify(push)).not.toContain('Lunch');
    });

    it('none: a generic title and body, and neither sender nor subject anywhere in the payload', () => {
      const push = sut.compose(device({ preview: 'none' }), [change()], NOON_BERLIN);

      expect(push).toMatchObject({ kind: 'alert', title: 'New mail', body: '1 new message', badge: 4 });
      const payload = JSON.stringify(push);
      expect(payload).not.toContain('Grace');
      expect(payload).not.toContain('grace@');
      expect(payload).not.toContain('Lunch');
    });

    it('cuts a very long subject', () => {
      const push = sut.compose(device(), [change({ subject: 'x'.repeat(4000) })], NOON_BERLIN);

      expect(push?.body).toHaveLength(240);
      expect(push?.body?.endsWith('…')).toBe(true);
    });
  });

  describe('several new messages (coalesced)', () => {
    const burst = (): MailChange[] => [
      change({ subject: 'First', from: { name: 'Alan' }, unreadCount: 1 }),
      change({ subject: 'Second', from: { name: 'Barbara' }, unreadCount: 2 }),
      change({ subject: 'Third', from: { name: 'Carol' }, unreadCount: 3 }),
    ];

    it('full: "3 new messages" with the latest sender and subject, and the latest unread count', () => {
      const push = sut.compose(device(), burst(), NOON_BERLIN);

      expect(push).toMatchObject({ kind: 'alert', title: '3 new messages', body: 'Carol: Third', badge: 3 });
      expect(push?.data['changeIds']?.split(',')).toHaveLength(3);
    });

    it('sender: the count with the latest sender only', () => {
      const push = sut.compose(device({ preview: 'sender' }), burst(), NOON_BERLIN);

      expect(push).toMatchObject({ title: '3 new messages', body: 'Carol' });
    });

    it('none: the count only', () => {
      const push = sut.compose(device({ preview: 'none' }), burst(), NOON_BERLIN);

      expect(push).toMatchObject({ title: 'New mail', body: '3 new messages' });
    });

    it('counts the new messages pushed earlier in the burst, since this push replaces theirs', () => {
      const [first, second, third] = burst();
      if (first === undefined || second === undefined || third === undefined) throw new Error('no burst');

      const push = sut.compose(device(), [second, third], NOON_BERLIN, [first]);

      expect(push).toMatchObject({ kind: 'alert', title: '3 new messages', body: 'Carol: Third', badge: 3 });
      expect(push?.data['changeIds']).toBe(`${second.changeId},${third.changeId}`);
    });

    it('counts each earlier change once, and only those in a followed folder that alert', () => {
      const [first, second] = burst();
      if (first === undefined || second === undefined) throw new Error('no burst');
      const earlier = [
        first,
        { ...first, source: 'graph' as const },
        second,
        change({ folder: 'Archive' }),
        change({ kind: 'read' }),
      ];

      const push = sut.compose(device({ preview: 'none' }), [second], NOON_BERLIN, earlier);

      expect(push).toMatchObject({ title: 'New mail', body: '2 new messages' });
    });

    it('stays a badge-only update when nothing new alerts, whatever came earlier', () => {
      const push = sut.compose(device(), [change({ kind: 'read', unreadCount: 2 })], NOON_BERLIN, burst());

      expect(push).toMatchObject({ kind: 'badge', badge: 2 });
    });

    it('keeps the changeIds data value bounded, with the latest ids', () => {
      const many = Array.from({ length: 40 }, () =>
        change({ changeId: `${MAILBOX}:${'i'.repeat(60)}-${++sequence}:new` }),
      );

      const push = sut.compose(device(), many, NOON_BERLIN);

      const ids = push?.data['changeIds']?.split(',') ?? [];
      expect(ids.join(',').length).toBeLessThanOrEqual(1024);
      expect(ids.at(-1)).toBe(many.at(-1)?.changeId);
    });
  });

  describe('folders', () => {
    it('follows the inbox only by default', () => {
      const inbox = change();
      const archive = change({ folder: 'Archive' });

      expect(sut.relevantChanges(device(), [inbox, archive])).toEqual([inbox]);
    });

    it('follows the folders the device names, ignoring case', () => {
      const inbox = change({ folder: 'Inbox' });
      const projects = change({ folder: 'projects' });
      const archive = change({ folder: 'Archive' });

      expect(sut.relevantChanges(device({ folders: ['inbox', 'Projects'] }), [inbox, projects, archive])).toEqual([
        inbox,
        projects,
      ]);
    });
  });

  describe('VIP senders', () => {
    const vips = { vipSenders: ['Grace@Example.com'] };

    it('alerts for mail from a VIP (addresses compared without case)', () => {
      const push = sut.compose(device(vips), [change()], NOON_BERLIN);

      expect(push).toMatchObject({ kind: 'alert', title: 'Grace Hopper' });
    });

    it('turns mail from anyone else into a badge-only update', () => {
      const push = sut.compose(
        device(vips),
        [change({ from: { name: 'Spam', address: 'spam@example.com' } })],
        NOON_BERLIN,
      );

      expect(push).toEqual({
        kind: 'badge',
        badge: 4,
        collapseId: `mail-${MAILBOX}`,
        threadId: `mail-${MAILBOX}`,
        expiresAt: new Date(NOON_BERLIN.getTime() + 3600 * 1000),
        data: expect.objectContaining({ mailbox: 'ada@example.com', unread: '4' }) as unknown,
      });
    });

    it('sends nothing for non-VIP mail when the unread count is unknown', () => {
      const push = sut.compose(
        device(vips),
        [change({ from: { address: 'spam@example.com' }, unreadCount: undefined })],
        NOON_BERLIN,
      );

      expect(push).toBeUndefined();
    });

    it('counts only the VIP messages of a burst', () => {
      const push = sut.compose(
        device(vips),
        [change(), change({ from: { address: 'spam@example.com' } }), change({ subject: 'Again' })],
        NOON_BERLIN,
      );

      expect(push).toMatchObject({ title: '2 new messages', body: 'Grace Hopper: Again' });
    });
  });

  describe('quiet hours', () => {
    const overnightBerlin = { quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' } };

    it.each([
      ['00:30 in Berlin (after midnight)', '2026-01-15T23:30:00Z', 'badge'],
      ['23:00 in Berlin (before midnight)', '2026-01-15T22:00:00Z', 'badge'],
      ['06:59 in Berlin', '2026-01-15T05:59:00Z', 'badge'],
      ['07:00 in Berlin (the end is not quiet)', '2026-01-15T06:00:00Z', 'alert'],
      ['21:59 in Berlin', '2026-01-15T20:59:00Z', 'alert'],
      ['22:00 in Berlin in summer time', '2026-07-15T20:00:00Z', 'badge'],
      ['22:00 UTC, 00:00 in Berlin in summer time', '2026-07-15T22:00:00Z', 'badge'],
    ])('at %s (%s) an alert becomes a %s update', (_when, at, kind) => {
      const push = sut.compose(device(overnightBerlin), [change()], new Date(at));

      expect(push?.kind).toBe(kind);
    });

    it("reads the hours in the device's time zone, not the server's", () => {
      const newYork = { quietHours: { start: '22:00', end: '07:00', timeZone: 'America/New_York' } };
      // 23:30 in Berlin, 17:30 in New York.
      const at = new Date('2026-01-15T22:30:00Z');

      expect(sut.compose(device(overnightBerlin), [change()], at)?.kind).toBe('badge');
      expect(sut.compose(device(newYork), [change()], at)?.kind).toBe('alert');
    });

    it('handles quiet hours within one day', () => {
      const lunch = { quietHours: { start: '12:00', end: '13:00', timeZone: 'Europe/Berlin' } };

      expect(sut.compose(device(lunch), [change()], new Date('2026-01-15T11:30:00Z'))?.kind).toBe('badge');
      expect(sut.compose(device(lunch), [change()], new Date('2026-01-15T12:30:00Z'))?.kind).toBe('alert');
    });

    it('lets mail from a VIP break through', () => {
      const settings = { ...overnightBerlin, vipSenders: ['grace@example.com'] };
      const at = new Date('2026-01-15T23:30:00Z');

      expect(sut.compose(device(settings), [change()], at)).toMatchObject({ kind: 'alert', title: 'Grace Hopper' });
      expect(sut.compose(device(settings), [change({ from: { address: 'bob@example.com' } })], at)?.kind).toBe('badge');
    });
  });

  describe('badge and sound', () => {
    it('leaves the badge out when the device turned badges off', () => {
      const push = sut.compose(device({ badge: false }), [change()], NOON_BERLIN);

      expect(push?.kind).toBe('alert');
      expect(push).not.toHaveProperty('badge');
    });

    it('sends nothing for a read change when badges are off', () => {
      expect(sut.compose(device({ badge: false }), [change({ kind: 'read' })], NOON_BERLIN)).toBeUndefined();
    });

    it.each(['read', 'unread-count'] as const)('turns a %s change into a badge-only update', (kind) => {
      const push = sut.compose(device(), [change({ kind, unreadCount: 2 })], NOON_BERLIN);

      expect(push).toMatchObject({ kind: 'badge', badge: 2, data: { unread: '2' } });
      expect(push).not.toHaveProperty('title');
      expect(push).not.toHaveProperty('sound');
    });

    it('alerts for the new message of a batch that also holds read changes, with the latest count', () => {
      const push = sut.compose(
        device(),
        [change({ unreadCount: 5 }), change({ kind: 'read', unreadCount: 3 })],
        NOON_BERLIN,
      );

      expect(push).toMatchObject({ kind: 'alert', title: 'Grace Hopper', badge: 3 });
    });

    it('is silent with sound "none" and uses a named sound otherwise', () => {
      expect(sut.compose(device({ sound: 'none' }), [change()], NOON_BERLIN)).not.toHaveProperty('sound');
      expect(sut.compose(device({ sound: 'chime.caf' }), [change()], NOON_BERLIN)).toMatchObject({
        sound: 'chime.caf',
      });
    });
  });

  describe('locale', () => {
    it.each([
      ['de-DE', 'Neue E-Mail', '3 neue Nachrichten'],
      ['fr_FR', 'Nouveau courriel', '3 nouveaux messages'],
      ['es', 'Correo nuevo', '3 mensajes nuevos'],
      ['it-IT', 'Nuova e-mail', '3 nuovi messaggi'],
      ['nl-BE', 'Nieuwe e-mail', '3 nieuwe berichten'],
      ['pt-BR', 'Novo e-mail', '3 novas mensagens'],
      ['ja-JP', '新着メール', '新着メッセージ 3 件'],
      ['zh-Hans-CN', '新邮件', '3 封新邮件'],
      ['sv-SE', 'New mail', '3 new messages'],
      [undefined, 'New mail', '3 new messages'],
    ])('%s: generic texts "%s" and "%s"', (locale, title, body) => {
      const push = sut.compose(device({ preview: 'none' }, locale), [change(), change(), change()], NOON_BERLIN);

      expect(push).toMatchObject({ title, body });
    });

    it('uses the singular where the language does', () => {
      const one = (locale: string): string | undefined =>
        sut.compose(device({ preview: 'none' }, locale), [change()], NOON_BERLIN)?.body;

      expect(one('de')).toBe('1 neue Nachricht');
      expect(one('fr')).toBe('1 nouveau message');
      expect(one('nl')).toBe('1 nieuw bericht');
    });

    it('translates the generic body of a sender preview and the missing subject', () => {
      expect(sut.compose(device({ preview: 'sender' }, 'de'), [change()], NOON_BERLIN)?.body).toBe('Neue Nachricht');
      expect(sut.compose(device({}, 'es'), [change({ subject: undefined })], NOON_BERLIN)?.body).toBe('(sin asunto)');
    });
  });

  describe('collapse id', () => {
    it('hashes a mailbox id that would not fit in 64 bytes', () => {
      const id = mailboxCollapseId('x'.repeat(80));

      expect(Buffer.byteLength(id)).toBeLessThanOrEqual(64);
      expect(id).toBe(mailboxCollapseId('x'.repeat(80)));
      expect(id.startsWith('mail-')).toBe(true);
    });
  });
});
