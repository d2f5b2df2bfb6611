import { effectiveSettings, readDeviceSettings } from './device-settings';

describe(readDeviceSettings.name, () => {
  it('fills in the defaults for a device that never set any', () => {
    const { settings, problem } = readDeviceSettings({});

    expect(problem).toBeUndefined();
    expect(effectiveSettings(settings)).toEqual({
      preview: 'full',
      folders: new Set(['inbox']),
      vipSenders: new Set(),
      quietHours: undefined,
      sound: 'default',
      badge: true,
    });
  });

  it('keeps valid stored settings', () => {
    const { settings } = readDeviceSettings({ preview: 'sender', folders: ['Inbox', 'Work'], badge: false });

    expect(settings).toEqual({ preview: 'sender', folders: ['Inbox', 'Work'], badge: false });
  });

  it('falls back to no preview, naming the bad fields, when stored settings do not validate', () => {
    const { settings, problem } = readDeviceSettings({ preview: 'everything', quietHours: { start: '25:00' } });

    expect(settings).toEqual({ preview: 'none' });
    expect(problem).toContain('preview');
    expect(problem).toContain('quietHours');
  });
});
