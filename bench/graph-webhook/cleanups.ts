/**
 * What to undo at the end, in reverse order, exactly once: on success, on an error and on Ctrl-C alike.
 * A failing step is reported and the others still run.
 */
export class Cleanups {
  private readonly steps: { readonly name: string; readonly run: () => Promise<void> | void }[] = [];
  private running: Promise<void> | undefined;

  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  run(): Promise<void> {
    this.running ??= this.runAll();
    return this.running;
  }

  private async runAll(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step.run();
      } catch (error) {
        process.stderr.write(
          `cleanup of ${step.name} failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }
    }
  }
}
