import NodeEnvironment from 'jest-environment-node';

/**
 * The Node test environment, with the test process running in another time zone. `process.env.TZ` set
 * inside a test does not reach the process (Jest gives tests a copy of `process.env`), so a suite that must
 * prove it is independent of the local time zone names this file in a docblock:
 *
 *     /**
 *      * @jest-environment ../../shared/testing/src/lib/time-zone.environment.ts
 *      * @jest-environment-options {"timeZone": "America/Sao_Paulo"}
 *      *\/
 */
export default class TimeZoneEnvironment extends NodeEnvironment {
  private readonly previous: string | undefined;

  constructor(...[config, context]: ConstructorParameters<typeof NodeEnvironment>) {
    super(config, context);
    const timeZone = config.projectConfig.testEnvironmentOptions['timeZone'];
    if (typeof timeZone !== 'string')
      throw new Error('TimeZoneEnvironment needs @jest-environment-options {"timeZone": "<IANA name>"}');
    this.previous = process.env['TZ'];
    process.env['TZ'] = timeZone;
  }

  override async teardown(): Promise<void> {
    if (this.previous === undefined) delete process.env['TZ'];
    else process.env['TZ'] = this.previous;
    await super.teardown();
  }
}
