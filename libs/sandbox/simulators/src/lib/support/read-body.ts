import type { Readable } from 'node:stream';

export interface ReceivedBody {
  /** At most `keepBytes` of the body; `size` says how large it really was. */
  readonly bytes: Buffer;
  readonly size: number;
}

/**
 * Reads a request body to its end, keeping only the first `keepBytes` so that an oversized body is measured
 * (and answered with the provider's "too large" error) without being held in memory.
 */
export function readBody(stream: Readable, keepBytes: number): Promise<ReceivedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    stream.on('data', (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (kept < keepBytes) {
        const part = buffer.subarray(0, keepBytes - kept);
        chunks.push(part);
        kept += part.length;
      }
    });
    stream.once('end', () => resolve({ bytes: Buffer.concat(chunks), size }));
    stream.once('error', reject);
    stream.once('aborted', () => reject(new Error('request aborted')));
  });
}
