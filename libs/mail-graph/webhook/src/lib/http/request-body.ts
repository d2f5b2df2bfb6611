import type { IncomingMessage } from 'node:http';
import { isUtf8Json, readBodyAtMost } from '@mailpush/runtime';
import { RequestBodyError } from './request-body.error';

/**
 * Reads a notification POST's JSON body, at most `limit` bytes of it. Refuses (`RequestBodyError`) anything
 * but uncompressed UTF-8 JSON (415), a body over the limit, declared or as it arrives (413; reading stops
 * there), and malformed JSON or UTF-8 (400).
 */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  if (!isUtf8Json(request.headers['content-type'])) {
    throw new RequestBodyError('unsupportedMediaType', 'send notifications as application/json (UTF-8)');
  }
  const encoding = request.headers['content-encoding']?.trim().toLowerCase() ?? 'identity';
  if (encoding !== 'identity') {
    throw new RequestBodyError('unsupportedMediaType', 'compressed request bodies are not accepted');
  }
  const tooLarge = new RequestBodyError('payloadTooLarge', `the request body must be at most ${limit} bytes`);
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge;
  if (request.readableEnded) {
    // Only when an app-wide body parser read it first; see the README ("Bodies").
    throw new Error('the request body was read before the webhook: the app-wide body parser must skip this path');
  }
  const raw = await readBodyAtMost(request, limit);
  if (raw === undefined) throw tooLarge;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) as unknown;
  } catch {
    throw new RequestBodyError('malformedJson', 'the request body is not valid JSON (UTF-8)');
  }
}
