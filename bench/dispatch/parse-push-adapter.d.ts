/** @parse/push-adapter ships no types; the benchmark uses its default export only. */
declare module '@parse/push-adapter' {
  export default class ParsePushAdapter {
    constructor(config: unknown);
    send(data: unknown, installations: readonly unknown[]): Promise<unknown>;
  }
}
