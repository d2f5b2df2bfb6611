import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import type { MailpushConfig } from '@mailpush/config';
import { activeTraceFields } from '@mailpush/telemetry';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Paths pino blanks out wherever they appear in a log line. Secrets in our own objects redact themselves. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-admin-token"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  '*.clientSecret',
  '*.accessToken',
  '*.refreshToken',
  '*.credentials',
  '*.privateKey',
];

/**
 * Structured JSON logs, one line per event, each request carrying a request id: the caller's `x-request-id`
 * when it sent a sane one, a fresh UUID otherwise, echoed back in the response.
 */
export function loggingOptions(config: MailpushConfig): Params {
  return {
    pinoHttp: {
      level: config.app.logLevel,
      base: { app: config.app.name },
      timestamp: stdTimeFunctions.isoTime,
      // Every line logged inside a traced operation carries its trace_id and span_id.
      mixin: activeTraceFields,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      ...(config.app.logPretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req, res, error) =>
        error !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: {
        ignore: (req) => req.url === '/health/live' || req.url === '/health/ready' || req.url === '/metrics',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
