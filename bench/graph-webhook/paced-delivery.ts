import { performance } from 'node:perf_hooks';

const TICK_MS = 10;

/**
 * Calls `deliver` `rate` times a second for `seconds`, round-robin over `users`: every 10 ms tick delivers
 * what is due by then (rate x elapsed time), so a late tick catches up and fractions carry over. The
 * simulator posts the items of one tick (one event-loop turn) to one URL as one collection, as Graph batches.
 */
export async function deliverAtRate(
  rate: number,
  seconds: number,
  users: readonly string[],
  deliver: (user: string, sequence: number) => void,
): Promise<{ readonly delivered: number; readonly startedAt: number; readonly endedAt: number }> {
  const total = Math.round(rate * seconds);
  const startedAt = Date.now();
  const started = performance.now();
  let delivered = 0;
  while (delivered < total) {
    const due = Math.min(total, Math.floor((rate * (performance.now() - started)) / 1000));
    for (; delivered < due; delivered += 1) deliver(users[delivered % users.length] ?? '', delivered);
    if (delivered < total) await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  return { delivered, startedAt, endedAt: Date.now() };
}
