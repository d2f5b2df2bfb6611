import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';

export interface WebhookResponse {
  /** 0 when no response came. */
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
  readonly error?: string;
  readonly responseTimeMs: number;
}

/** Largest response body kept: a validation token echo is tiny, a notification answer has no use for a body. */
const KEEP_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs to a subscriber's endpoint the way Graph does: a fresh request with a deadline, https verified
 * against `ca` when given (else the system's roots). Never rejects: failures come back as status 0.
 */
export function postToWebhook(
  url: string,
  body: string,
  contentType: string,
  options: { readonly timeoutMs: number; readonly ca?: string },
): Promise<WebhookResponse> {
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (response: Omit<WebhookResponse, 'responseTimeMs'>, at: number): void => {
      if (settled) return;
      settled = true;
      resolve({ ...response, responseTimeMs: at });
    };
    const failed = (error: string): void =>
      finish({ status: 0, contentType: '', body: Buffer.alloc(0), error }, elapsed());
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        agent: false,
      },
      (response: IncomingMessage) => {
        const headAt = elapsed();
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < KEEP_RESPONSE_BYTES) chunks.push(chunk);
          kept += chunk.length;
        });
        response.once('end', () =>
          finish(
            {
              status: response.statusCode ?? 0,
              contentType: response.headers['content-type'] ?? '',
              body: Buffer.concat(chunks),
            },
            headAt,
          ),
        );
        response.once('error', (error: Error) => failed(error.message));
      },
    );
    request.setTimeout(options.timeoutMs, () => {
      request.destroy(new Error(`no response within ${options.timeoutMs} ms`));
    });
    request.once('error', (error: Error) => failed(error.message));
    request.end(body);
  });
}
