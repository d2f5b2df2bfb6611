/** A promise resolved from outside: a gate a test opens when it wants a blocked handler to go on. */
export class Deferred<T = void> {
  readonly promise: Promise<T>;
  private settled = false;
  private resolveFn: (value: T) => void = () => undefined;

  constructor() {
    this.promise = new Promise<T>((resolve) => {
      this.resolveFn = resolve;
    });
  }

  get isSettled(): boolean {
    return this.settled;
  }

  resolve(value: T): void {
    this.settled = true;
    this.resolveFn(value);
  }
}
