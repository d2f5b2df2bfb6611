import { Body, Controller, Get, HttpCode, NotFoundException, Post, Query } from '@nestjs/common';
import type {
  GraphMailboxInfo,
  GraphMessage,
  NotificationPost,
  RecordedGraphRequest,
  SubscriptionState,
  ValidationRequest,
} from '../graph/graph-records';
import { Sandbox } from '../sandbox/sandbox';
import {
  GraphDropBody,
  GraphLifecycleBody,
  GraphMailBody,
  GraphReadBody,
  GraphThrottleBody,
  GraphUserBody,
} from './control-api.schemas';
import { parseBody } from './parse-body';

/**
 * Drives the Microsoft Graph simulator: deliver mail (Graph then notifies the subscribers), mark it read, emit
 * lifecycle events, drop notifications, throttle a mailbox; and reads its subscriptions and records.
 */
@Controller('sandbox/graph')
export class GraphControlController {
  constructor(private readonly sandbox: Sandbox) {}

  /** `{ user }`: adds a mailbox (any user is also created when first asked about). */
  @Post('mailboxes')
  addMailbox(@Body() body: unknown): GraphMailboxInfo {
    return this.sandbox.graph.addMailbox(parseBody(GraphUserBody, body).user);
  }

  /** `{ user, subject, from: { name, address }, bodyPreview? }`: a new unread message in the user's inbox. */
  @Post('mail')
  deliverMail(@Body() body: unknown): GraphMessage {
    const { user, subject, from, bodyPreview } = parseBody(GraphMailBody, body);
    this.sandbox.graph.addMailbox(user);
    return this.sandbox.graph.deliverMail(user, {
      subject,
      from,
      ...(bodyPreview === undefined ? {} : { bodyPreview }),
    });
  }

  /** `{ user, messageId }`. */
  @Post('read')
  markRead(@Body() body: unknown): GraphMessage {
    const { user, messageId } = parseBody(GraphReadBody, body);
    try {
      return this.sandbox.graph.markRead(user, messageId);
    } catch (error) {
      throw new NotFoundException((error as Error).message);
    }
  }

  /** `{ subscriptionId, lifecycleEvent }`. */
  @Post('lifecycle')
  @HttpCode(202)
  emitLifecycle(@Body() body: unknown): void {
    const { subscriptionId, lifecycleEvent } = parseBody(GraphLifecycleBody, body);
    try {
      this.sandbox.graph.emitLifecycle(subscriptionId, lifecycleEvent);
    } catch (error) {
      throw new NotFoundException((error as Error).message);
    }
  }

  /** `{ user, count }`: the mailbox's next `count` change notifications are lost. */
  @Post('drops')
  @HttpCode(204)
  drop(@Body() body: unknown): void {
    const { user, count } = parseBody(GraphDropBody, body);
    this.sandbox.graph.dropNotifications(user, count);
  }

  /** `{ user, retryAfterSeconds, times? }`: the next calls about the mailbox answer 429. */
  @Post('throttle')
  @HttpCode(204)
  throttle(@Body() body: unknown): void {
    const { user, retryAfterSeconds, times } = parseBody(GraphThrottleBody, body);
    this.sandbox.graph.throttle(user, { retryAfterSeconds, ...(times === undefined ? {} : { times }) });
  }

  @Get('subscriptions')
  subscriptions(@Query('user') user?: string): readonly SubscriptionState[] {
    const all = this.sandbox.graph.subscriptions();
    if (user === undefined) return all;
    const id = this.sandbox.graph.addMailbox(user).id;
    return all.filter((subscription) => subscription.mailboxId === id);
  }

  @Get('notifications')
  notifications(): readonly NotificationPost[] {
    return this.sandbox.graph.notificationPosts();
  }

  @Get('validations')
  validations(): readonly ValidationRequest[] {
    return this.sandbox.graph.validationRequests();
  }

  @Get('requests')
  requests(): readonly RecordedGraphRequest[] {
    return this.sandbox.graph.requests();
  }
}
