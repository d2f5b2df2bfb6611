import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface FormResponse {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: string;
}

/** One `application/x-www-form-urlencoded` POST over HTTP/1.1, trusting `caPem` in addition to the system CAs. */
export function postForm(
  url: string,
  form: Record<string, string>,
  options: { readonly caPem: string | undefined; readonly timeoutMs: number },
): Promise<FormResponse> {
  const body = new URLSearchParams(form).toString();
  const target = new URL(url);
  const send = target.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          accept: 'application/json',
        },
        ...(options.caPem ? { ca: options.caPem } : {}),
        timeout: options.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const retryAfter = response.headers['retry-after'];
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`no answer from ${target.origin} within ${options.timeoutMs} ms`)),
    );
    request.on('error', reject);
    request.end(body);
  });
}
