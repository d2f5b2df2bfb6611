import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Post, Query } from '@nestjs/common';
import { MailChanged, mailChangeId } from '@mailpush/contracts';
import { EventBus, type DeadLetter } from '@mailpush/messaging';
import { MailboxRepository } from '@mailpush/persistence';
import { parseBody } from '../nest/parse-body';
import { TestMailChangeSchema } from './test-mail-change.schema';

/**
 * Stands in for a mail source in the sandbox: publishes a `mail.changed` for a registered mailbox, exactly as
 * the EWS watcher or the Graph receiver would, so the dispatcher's whole path runs.
 */
@Controller('sandbox')
export class MailChangesController {
  constructor(
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(MailboxRepository) private readonly mailboxes: MailboxRepository,
  ) {}

  @Post('mail-changes')
  @HttpCode(202)
  async publish(@Body() body: unknown): Promise<{ changeId: string; messageId: string }> {
    const change = parseBody(TestMailChangeSchema, body);
    const mailbox = await this.mailboxes.findBySmtpAddress(change.mailbox);
    if (mailbox === null) throw new NotFoundException(`no device is registered for ${change.mailbox}`);
    const changeId = mailChangeId(mailbox.id, change.itemId ?? randomUUID(), change.kind);
    const receipt = await this.bus.publish(MailChanged, {
      changeId,
      mailboxId: mailbox.id,
      smtpAddress: mailbox.smtpAddress,
      kind: change.kind,
      folder: change.folder,
      itemId: change.itemId,
      subject: change.subject,
      from: change.from,
      receivedAt: new Date().toISOString(),
      unreadCount: change.unreadCount,
      source: 'test',
    });
    return { changeId, messageId: receipt.id };
  }

  /**
   * What a consumer group gave up on (the admin API lists and replays them in production; the standalone
   * server's in-process bus has no other window).
   */
  @Get('dead-letters')
  async deadLetters(@Query('group') group: string | undefined): Promise<{ items: readonly DeadLetter[] }> {
    return { items: await this.bus.listDeadLetters(group ?? 'dispatcher', 100) };
  }
}
