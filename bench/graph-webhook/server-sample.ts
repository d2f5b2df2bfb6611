/** What a target's server process says about itself at one moment; what it cannot tell is undefined. */
export interface ServerSample {
  /** CPU seconds used since it started. */
  readonly cpuSeconds?: number;
  /** Notification POSTs it accepted so far, and the seconds it spent on them by its own clock. */
  readonly acceptedPosts?: number;
  readonly acceptedSeconds?: number;
  /** Event-loop delay since the previous sample (prom-client resets it on every scrape). */
  readonly loopDelayP99Ms?: number;
  readonly loopDelayMaxMs?: number;
}

/** A webhook receiver under test: the Graph users whose mail it is notified of, where, and its own view. */
export interface BenchTarget {
  readonly users: readonly string[];
  readonly notificationUrl: string;
  sample(): Promise<ServerSample>;
}

/** Mean server-side time per accepted POST between two samples. */
export function serverMeanMs(from: ServerSample, to: ServerSample): number | undefined {
  const posts = (to.acceptedPosts ?? NaN) - (from.acceptedPosts ?? 0);
  const seconds = (to.acceptedSeconds ?? NaN) - (from.acceptedSeconds ?? 0);
  return posts > 0 ? (seconds / posts) * 1000 : undefined;
}

/** The value of a Prometheus sample named `name` whose labels include `label`; undefined when absent. */
export function metricValue(text: string, name: string, label = ''): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([^{ ]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] !== name || !(match[2] ?? '').includes(label)) continue;
    return Number(match[3]);
  }
  return undefined;
}
