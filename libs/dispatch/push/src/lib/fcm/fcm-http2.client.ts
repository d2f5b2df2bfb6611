import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import type { LoggerService } from '@nestjs/common';

export interface Http2Response {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** No response arrived: the session died (GOAWAY, reset, error), the stream was refused, or it timed out. */
export class Http2ConnectionLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Http2ConnectionLostError';
  }
}

export interface FcmHttp2ClientOptions {
  /** `https://fcm.googleapis.com` or a simulator's origin. */
  readonly origin: string;
  readonly caPem: string | undefined;
  readonly requestTimeoutMs: number;
  readonly logger: LoggerService;
}

/**
 * One HTTP/2 session to FCM, kept open and shared by every request. A session that receives GOAWAY, fails or
 * closes is dropped at once and the next request opens a new one; streams it had not answered fail with
 * `Http2ConnectionLostError`, which the provider reports as a `retry` outcome.
 */
export class FcmHttp2Client {
  private session: ClientHttp2Session | undefined;
  private sessionsOpened = 0;

  constructor(private readonly options: FcmHttp2ClientOptions) {}

  post(path: string, headers: Record<string, string>, body: string): Promise<Http2Response> {
    return new Promise((resolve, reject) => {
      const lost = (message: string): void => reject(new Http2ConnectionLostError(message));
      let stream;
      try {
        stream = this.currentSession().request({
          [constants.HTTP2_HEADER_METHOD]: constants.HTTP2_METHOD_POST,
          [constants.HTTP2_HEADER_PATH]: path,
          ...headers,
        });
      } catch (error) {
        lost((error as Error).message);
        return;
      }
      let responseHeaders: IncomingHttpHeaders | undefined;
      const chunks: Buffer[] = [];
      stream.on('response', (received) => {
        responseHeaders = received;
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const status = responseHeaders?.[constants.HTTP2_HEADER_STATUS];
        if (responseHeaders && typeof status === 'number') {
          resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8') });
        } else {
          lost('stream ended without a response');
        }
      });
      // After `end` these settle nothing; before it they mean the answer will never come.
      stream.on('error', (error) => lost(error.message));
      stream.on('close', () => lost(`stream closed before its response (code ${stream.rstCode})`));
      stream.setTimeout(this.options.requestTimeoutMs, () => {
        lost(`no response within ${this.options.requestTimeoutMs} ms`);
        stream.close(constants.NGHTTP2_CANCEL);
      });
      stream.end(body);
    });
  }

  /** Closes the session gracefully: streams in flight are answered first. */
  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session || session.closed || session.destroyed) return;
    await new Promise<void>((resolve) => session.close(resolve));
  }

  private currentSession(): ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    const session = connect(this.options.origin, this.options.caPem ? { ca: this.options.caPem } : {});
    const sessionNumber = (this.sessionsOpened += 1);
    const forget = (): void => {
      if (this.session === session) this.session = undefined;
    };
    session.on('goaway', (errorCode: number, lastStreamId: number) => {
      this.options.logger.warn(
        `FCM session ${sessionNumber} got GOAWAY (code ${errorCode}, last stream ${lastStreamId}); opening a new one`,
      );
      forget();
    });
    session.on('error', (error: Error) => {
      this.options.logger.warn(`FCM session ${sessionNumber} failed: ${error.message}`);
      forget();
    });
    session.on('close', forget);
    this.session = session;
    return session;
  }
}
