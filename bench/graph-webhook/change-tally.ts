/** How the mail changes of one step arrived at the bench consumer. */
export interface Drain {
  /** Distinct expected mail changes seen when the wait ended. */
  readonly unique: number;
  readonly expected: number;
  /** From the last mail delivered to the last expected change seen; undefined when some never came. */
  readonly drainMs: number | undefined;
}

/** The `mail.changed` messages the bench consumer received, by change id, against those a step expects. */
export class ChangeTally {
  /** Deliveries per change id, over the whole run. */
  private readonly deliveries = new Map<string, number>();
  private pending = new Set<string>();
  private lastExpectedAt = 0;

  /** A delivery of `changeId` arrived. */
  seen(changeId: string): void {
    this.deliveries.set(changeId, (this.deliveries.get(changeId) ?? 0) + 1);
    if (this.pending.delete(changeId)) this.lastExpectedAt = Date.now();
  }

  /** The current step expects this change (a mail was delivered). */
  expect(changeId: string): void {
    if (!this.deliveries.has(changeId)) this.pending.add(changeId);
  }

  /** Waits until every expected change was seen, or `timeoutMs`; then starts a new expectation. */
  async drain(expected: number, deliveredUntil: number, timeoutMs: number): Promise<Drain> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const missing = this.pending.size;
    this.pending = new Set();
    return {
      unique: expected - missing,
      expected,
      drainMs: missing === 0 ? Math.max(0, this.lastExpectedAt - deliveredUntil) : undefined,
    };
  }

  /** How many of these change ids were delivered, and how many deliveries were repeats. */
  deliveriesOf(changeIds: Iterable<string>): { unique: number; duplicates: number } {
    let unique = 0;
    let duplicates = 0;
    for (const id of changeIds) {
      const count = this.deliveries.get(id) ?? 0;
      if (count > 0) unique += 1;
      if (count > 1) duplicates += count - 1;
    }
    return { unique, duplicates };
  }

  /** Change ids seen that no delivered mail accounts for (another kind, or a different item id). */
  unexpected(expected: ReadonlySet<string>): { ids: number; sample: string | undefined } {
    const others = [...this.deliveries.keys()].filter((id) => !expected.has(id));
    return { ids: others.length, sample: others[0] };
  }
}
