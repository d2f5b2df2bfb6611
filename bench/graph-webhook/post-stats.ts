import type { NotificationPost } from '@mailpush/simulators';

/** What the simulator saw of one target during one step: its notification POSTs, every attempt. */
export interface PostStats {
  /** Notifications posted (items of first attempts). */
  readonly notifications: number;
  /** Notifications per second: first-attempt items over the step (or longer, if posting lagged behind). */
  readonly achievedPerSecond: number;
  /** POSTs, retries included. */
  readonly posts: number;
  /** Items per first-attempt POST. */
  readonly itemsPerPost: number;
  /** Response times per notification: each POST's time weighted by its item count, every attempt. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** POSTs without a 2xx, or answered at or after the deadline (status 0: no answer, connection error). */
  readonly failedPosts: number;
  /** Why the failed POSTs failed and how often: `no answer` (status 0), `late` (2xx after 3 s), or the status. */
  readonly failedStatuses: Readonly<Record<string, number>>;
  /** POSTs that were retries (attempt > 1). */
  readonly retries: number;
  /** Notifications none of whose attempts got a 2xx: Graph gave up on them. */
  readonly undelivered: number;
}

/** The statistics of `posts` (one target's change-notification POSTs of one step). */
export function postStats(
  posts: readonly NotificationPost[],
  step: { readonly startedAt: number; readonly seconds: number; readonly deadlineMs: number },
): PostStats {
  const first = posts.filter((post) => post.attempt === 1);
  const notifications = sum(first.map((post) => post.body.value.length));
  const lastStart = first.reduce((latest, post) => Math.max(latest, post.at.getTime()), step.startedAt);
  const spanSeconds = Math.max(step.seconds, (lastStart - step.startedAt) / 1000);
  const failed = posts.filter((post) => !answered(post, step.deadlineMs));
  const failedStatuses: Record<string, number> = {};
  for (const post of failed) {
    const why =
      post.status === 0 ? 'no answer' : post.status < 300 && post.status >= 200 ? 'late' : String(post.status);
    failedStatuses[why] = (failedStatuses[why] ?? 0) + 1;
  }
  // Every attempt of one collection posts the same body object.
  const delivered = new Set(posts.filter((post) => answered(post, step.deadlineMs)).map((post) => post.body));
  const undelivered = sum(first.filter((post) => !delivered.has(post.body)).map((post) => post.body.value.length));
  const weighted = posts
    .map((post) => ({ ms: post.responseTimeMs, weight: post.body.value.length }))
    .sort((a, b) => a.ms - b.ms);
  return {
    notifications,
    achievedPerSecond: notifications / spanSeconds,
    posts: posts.length,
    itemsPerPost: first.length === 0 ? 0 : notifications / first.length,
    p50Ms: weightedPercentile(weighted, 50),
    p99Ms: weightedPercentile(weighted, 99),
    maxMs: weighted.at(-1)?.ms ?? NaN,
    failedPosts: failed.length,
    failedStatuses,
    retries: posts.filter((post) => post.attempt > 1).length,
    undelivered,
  };
}

/** A 2xx within Graph's deadline. */
function answered(post: NotificationPost, deadlineMs: number): boolean {
  return post.status >= 200 && post.status < 300 && post.responseTimeMs < deadlineMs;
}

/** The smallest value at or below which `p` percent of the total weight lies; `values` sorted ascending. */
export function weightedPercentile(values: readonly { ms: number; weight: number }[], p: number): number {
  const total = sum(values.map((value) => value.weight));
  if (total === 0) return NaN;
  const wanted = (total * p) / 100;
  let seen = 0;
  for (const value of values) {
    seen += value.weight;
    if (seen >= wanted) return value.ms;
  }
  return values.at(-1)?.ms ?? NaN;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
