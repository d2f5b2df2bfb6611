import { performance } from 'node:perf_hooks';
import { Controller, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { GraphWebhookSettings } from '../graph-webhook.settings';
import { GRAPH_WEBHOOK_PATH } from '../graph-webhook.paths';
import { GraphWebhookMetrics, type WebhookOutcome } from '../metrics/graph-webhook.metrics';
import { InvalidNotificationsError } from '../notifications/invalid-notifications.error';
import { NotificationIntake } from '../notifications/notification-intake.service';
import { parseNotificationCollection } from '../notifications/notification-collection.parser';
import { NotificationsNotPersistedError } from '../notifications/notifications-not-persisted.error';
import { problemOf, writeProblem, type Problem } from './problem';
import { readJsonBody } from './request-body';
import { RequestBodyError } from './request-body.error';
import { validationTokenOf } from './validation-token';

const OUTCOME_OF_BODY_ERROR: Record<RequestBodyError['kind'], WebhookOutcome> = {
  malformedJson: 'malformed_json',
  payloadTooLarge: 'too_large',
  unsupportedMediaType: 'unsupported_media_type',
};

/**
 * `POST /notificationClient` (**contract**): Graph's validation handshake, change notifications and
 * lifecycle notifications. Unauthenticated by design: Graph sends no credentials; each notification's
 * `clientState` is checked against its subscription's instead (see `NotificationIntake`).
 */
@Controller()
export class NotificationClientController {
  private readonly logger = new Logger('GraphWebhook');

  constructor(
    @Inject(GraphWebhookSettings) private readonly settings: GraphWebhookSettings,
    @Inject(NotificationIntake) private readonly intake: NotificationIntake,
    @Inject(GraphWebhookMetrics) private readonly metrics: GraphWebhookMetrics,
  ) {}

  @Post(GRAPH_WEBHOOK_PATH.slice(1))
  async receive(@Req() request: Request, @Res() response: Response): Promise<void> {
    const started = performance.now();
    const receivedAt = new Date();
    const token = validationTokenOf(request.originalUrl);
    if (token !== undefined) {
      this.echo(request, response, token);
      this.metrics.answered('validated', (performance.now() - started) / 1000);
      return;
    }
    const outcome = await this.notified(request, response, {
      receivedAt,
      deadline: started + this.settings.answerBudgetMs,
    });
    this.metrics.answered(outcome, (performance.now() - started) / 1000);
  }

  /** The handshake: 200 with the decoded token, byte for byte. The body is drained unread. */
  private echo(request: Request, response: Response, token: string): void {
    request.resume();
    const body = Buffer.from(token, 'utf8');
    response.statusCode = 200;
    response.setHeader('Content-Type', 'text/plain; charset=utf-8');
    response.setHeader('Content-Length', body.length);
    // The token is opaque and echoed as is; as plain text that browsers may not sniff, it can never be markup.
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'no-store');
    response.end(body);
  }

  private async notified(
    request: Request,
    response: Response,
    context: { readonly receivedAt: Date; readonly deadline: number },
  ): Promise<WebhookOutcome> {
    const instance = request.path;
    try {
      const body = await readJsonBody(request, this.settings.bodyLimitBytes);
      const collection = parseNotificationCollection(body);
      await this.intake.accept(collection, context);
      response.statusCode = 202;
      response.setHeader('Content-Length', 0);
      response.end();
      return 'accepted';
    } catch (error) {
      if (error instanceof RequestBodyError) {
        if (!request.readableEnded) {
          // Do not read on what was refused; close the connection rather than leave its rest unread.
          response.setHeader('Connection', 'close');
          request.resume();
        }
        writeProblem(response, problemOf(error.kind, error.message, { instance }));
        return OUTCOME_OF_BODY_ERROR[error.kind];
      }
      if (error instanceof InvalidNotificationsError) {
        writeProblem(response, this.invalid(error, instance));
        return 'invalid';
      }
      if (error instanceof NotificationsNotPersistedError) {
        this.logger.warn(`answering 503 so that Graph posts the notifications again: ${error.message}`);
        writeProblem(
          response,
          problemOf('unavailable', 'the notifications could not be stored; post them again later', { instance }),
          { 'Retry-After': String(this.settings.retryAfterSeconds) },
        );
        return 'unavailable';
      }
      this.logger.error(
        `POST ${instance} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      writeProblem(response, problemOf('internal', 'the notifications could not be handled', { instance }));
      return 'error';
    }
  }

  private invalid(error: InvalidNotificationsError, instance: string): Problem {
    const fields = error.errors.map((e) => e.field).join(', ');
    const more = error.total > error.errors.length ? ` and ${error.total - error.errors.length} more` : '';
    return problemOf('validation', `invalid: ${fields}${more}`, { instance, errors: error.errors });
  }
}
