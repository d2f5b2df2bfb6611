/** The sends a provider has under way, so that closing it can let them finish first. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Tracks `work` until it settles; resolves or rejects as it does. */
  async track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    try {
      return await work;
    } finally {
      this.running.delete(work);
    }
  }

  /** Resolves once everything tracked so far has settled. */
  async drained(): Promise<void> {
    await Promise.allSettled(this.running);
  }
}
