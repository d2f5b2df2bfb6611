import type { IncomingMessage } from 'node:http';
import { RequestBodyError } from './request-body.error';

/** `application/json`, optionally with `charset=utf-8` (any other charset is refused). */
export function isUtf8Json(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [mediaType, ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  return parameters.every((p) => !p.startsWith('charset=') || /^charset="?utf-8"?$/.test(p));
}

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
  const raw = await readAtMost(request, limit);
  if (raw === undefined) throw tooLarge;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) as unknown;
  } catch {
    throw new RequestBodyError('malformedJson', 'the request body is not valid JSON (UTF-8)');
  }
}

/**
 * The body, or `undefined` as soon as it exceeds `limit` bytes. Listens for data rather than iterating the
 * stream: leaving an async iteration early would destroy the socket before the 413 is sent.
 */
function readAtMost(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stop();
      resolve(undefined);
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };
    const onClose = (): void => onError(new Error('the client closed the connection before the body ended'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}
