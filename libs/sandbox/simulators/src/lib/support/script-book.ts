/** Scripted answers keyed by device-token prefix: the longest matching prefix wins, for `times` requests. */
export class ScriptBook<T extends { readonly times?: number | undefined }> {
  private readonly scripts = new Map<string, { script: T; remaining: number }>();

  set(tokenPrefix: string, script: T): void {
    if (script.times !== undefined && (!Number.isInteger(script.times) || script.times < 1)) {
      throw new Error(`times: must be a positive whole number (got ${script.times})`);
    }
    this.scripts.set(tokenPrefix, { script, remaining: script.times ?? Number.POSITIVE_INFINITY });
  }

  /** The script for `token`, counting one use of it; `undefined` when none applies. */
  take(token: string): T | undefined {
    let best: string | undefined;
    for (const prefix of this.scripts.keys()) {
      if (token.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
    }
    if (best === undefined) return undefined;
    const entry = this.scripts.get(best);
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.scripts.delete(best);
    return entry.script;
  }

  clear(): void {
    this.scripts.clear();
  }

  list(): readonly { tokenPrefix: string; script: T; remaining: number }[] {
    return [...this.scripts].map(([tokenPrefix, { script, remaining }]) => ({ tokenPrefix, script, remaining }));
  }
}
