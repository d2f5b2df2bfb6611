import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { isUtf8Json, readBodyAtMost } from '@mailpush/runtime';
import type { Request, Response } from 'express';
import { RegistrationMetrics } from '../metrics/registration.metrics';
import { RegistrationSettings } from '../registration.settings';
import { problemOf, type Problem } from './problem';
import { problemOutcome } from './problem-outcome';
import { requestPath, writeProblem } from './write-problem';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Reads the JSON bodies of the registration API with its own limit (`REGISTRATION_BODY_LIMIT_BYTES`, far
 * below the app-wide parser's 100 kB) and answers what it refuses as problem details: 415 for anything but
 * uncompressed UTF-8 JSON, 413 for a body over the limit, 400 for malformed JSON.
 *
 * Nest's app-wide JSON parser runs before any module's middleware, so usually the body has already been
 * read here: then the declared `Content-Length` is checked against the limit, or, for a chunked body, the
 * size of the parsed value written back as JSON (never more than what was sent, so never a false 413).
 * When the app runs without that parser, the body is read here, stopping at the limit.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  constructor(
    @Inject(RegistrationSettings) private readonly settings: RegistrationSettings,
    @Inject(RegistrationMetrics) private readonly metrics: RegistrationMetrics,
  ) {}

  async use(request: Request, response: Response, next: (error?: unknown) => void): Promise<void> {
    if (!METHODS_WITH_BODY.has(request.method)) {
      next();
      return;
    }
    let problem: Problem | undefined;
    try {
      problem = await this.readBody(request);
    } catch (error) {
      next(error);
      return;
    }
    if (problem === undefined) {
      next();
      return;
    }
    this.metrics.record(problemOutcome(problem));
    if (!request.readableEnded) {
      // Do not read on what was refused; close the connection rather than leave its rest unread.
      response.setHeader('Connection', 'close');
      request.resume();
    }
    writeProblem(response, { problem: { ...problem, instance: requestPath(request.originalUrl) }, headers: {} });
  }

  private async readBody(request: Request): Promise<Problem | undefined> {
    const limit = this.settings.bodyLimitBytes;
    if (!isUtf8Json(request.headers['content-type'])) {
      return problemOf('unsupportedMediaType', 'send the request body as application/json (UTF-8)');
    }
    const encoding = request.headers['content-encoding']?.trim().toLowerCase() ?? 'identity';
    if (encoding !== 'identity') {
      return problemOf('unsupportedMediaType', 'compressed request bodies are not accepted');
    }
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) return this.tooLarge();
    if (request.readableEnded) {
      const size = Buffer.byteLength((JSON.stringify(request.body) as string | undefined) ?? '');
      return declared === undefined && size > limit ? this.tooLarge() : undefined;
    }
    const raw = await readBodyAtMost(request, limit);
    if (raw === undefined) return this.tooLarge();
    return parseInto(request, raw);
  }

  private tooLarge(): Problem {
    return problemOf('payloadTooLarge', `the request body must be at most ${this.settings.bodyLimitBytes} bytes`);
  }
}

/** Parses the body onto `request.body` (an empty body is `{}`, as for the app-wide parser). */
function parseInto(request: Request, raw: Buffer): Problem | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    request.body = text.trim().length === 0 ? {} : (JSON.parse(text) as unknown);
    return undefined;
  } catch {
    return problemOf('malformedJson', 'the request body is not valid JSON (UTF-8)');
  }
}
