import { defineMessage } from '../contracts/message.contract';
import { findHandlerProblems } from './handler.check';

const MailChanged = defineMessage('mail.changed', 1, (p) => p);
const MailChangedV2 = defineMessage('mail.changed', 2, (p) => p);
const DeviceRegistered = defineMessage('device.registered', 1, (p) => p);

describe('findHandlerProblems', () => {
  it('accepts one handler per type and group, and declared types that have one', () => {
    const problems = findHandlerProblems(
      [
        { group: 'dispatcher', contract: MailChanged, where: 'Dispatch.onMailChanged' },
        { group: 'audit', contract: MailChanged, where: 'Audit.onMailChanged' },
        { group: 'dispatcher', contract: DeviceRegistered, where: 'Dispatch.onDevice' },
      ],
      [{ group: 'dispatcher', contract: MailChanged, where: 'DispatchModule' }],
    );

    expect(problems).toEqual([]);
  });

  it('names every handler of a type that has several in one group', () => {
    const problems = findHandlerProblems(
      [
        { group: 'dispatcher', contract: MailChanged, where: 'Dispatch.onMailChanged' },
        { group: 'dispatcher', contract: MailChangedV2, where: 'Coalescer.onMailChanged' },
      ],
      [],
    );

    expect(problems).toEqual([
      'message type "mail.changed" has 2 handlers in consumer group "dispatcher": Dispatch.onMailChanged, ' +
        'Coalescer.onMailChanged (a group needs exactly one; give the others their own group)',
    ]);
  });

  it('names a declared type without a handler in its group, and one handled in another version', () => {
    const problems = findHandlerProblems(
      [
        { group: 'audit', contract: DeviceRegistered, where: 'Audit.onDevice' },
        { group: 'dispatcher', contract: MailChanged, where: 'Dispatch.onMailChanged' },
      ],
      [
        { group: 'dispatcher', contract: DeviceRegistered, where: 'DispatchModule' },
        { group: 'dispatcher', contract: MailChangedV2, where: 'DispatchModule' },
      ],
    );

    expect(problems).toEqual([
      'message type "device.registered" is declared as consumed by consumer group "dispatcher" (DispatchModule) ' +
        'but no @HandleMessage handler takes it in that group',
      'message type "mail.changed" is declared as consumed by consumer group "dispatcher" in v2 (DispatchModule) ' +
        'but handled in v1 by Dispatch.onMailChanged',
    ]);
  });

  it('reports a group name that cannot become a queue name', () => {
    const problems = findHandlerProblems([{ group: 'Dispatch Er', contract: MailChanged, where: 'X.y' }], []);

    expect(problems).toEqual([expect.stringContaining('consumer group "Dispatch Er" must be')]);
  });
});
