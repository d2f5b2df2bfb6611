import { performance } from 'node:perf_hooks';

/** Milliseconds left until `deadline` (a `performance.now()` reading), at least 1. */
export function remainingMs(deadline: number): number {
  return Math.max(1, Math.floor(deadline - performance.now()));
}

/**
 * `work`, or a rejection with `onTimeout()` if it has not settled by `deadline`. The work goes on; its late
 * result is dropped (a late rejection included, so that it is not left unhandled).
 */
export async function beforeDeadline<T>(work: Promise<T>, deadline: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), remainingMs(deadline));
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
