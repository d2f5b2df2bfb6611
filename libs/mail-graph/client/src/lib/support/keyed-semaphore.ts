interface Gate {
  active: number;
  readonly waiting: (() => void)[];
}

/**
 * At most `limit` tasks at once per key, the rest queued in arrival order. Outlook allows an app 4 concurrent
 * requests per mailbox; more are answered 429, so they wait here instead. Idle keys are forgotten.
 */
export class KeyedSemaphore {
  private readonly gates = new Map<string, Gate>();

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit: must be a positive whole number (got ${limit})`);
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const gate = await this.acquire(key);
    try {
      return await task();
    } finally {
      this.release(key, gate);
    }
  }

  /** Tasks running or queued for `key`. */
  load(key: string): number {
    const gate = this.gates.get(key);
    return gate === undefined ? 0 : gate.active + gate.waiting.length;
  }

  private async acquire(key: string): Promise<Gate> {
    let gate = this.gates.get(key);
    if (gate === undefined) {
      gate = { active: 0, waiting: [] };
      this.gates.set(key, gate);
    }
    if (gate.active < this.limit) {
      gate.active += 1;
      return gate;
    }
    await new Promise<void>((resolve) => gate.waiting.push(resolve));
    return gate;
  }

  /** Hands the slot straight to the next waiter, so that a newcomer cannot jump the queue. */
  private release(key: string, gate: Gate): void {
    const next = gate.waiting.shift();
    if (next !== undefined) {
      next();
      return;
    }
    gate.active -= 1;
    if (gate.active === 0) this.gates.delete(key);
  }
}
