import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EwsError } from '../ews-api.port';
import { parseSendNotification, sendNotificationResultXml } from './push-notification.codec';

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe(parseSendNotification.name, () => {
  it('reads the SendNotification of protocols.md §2.5', () => {
    expect(parseSendNotification(fixture('send-notification.request.xml'))).toEqual([
      {
        subscriptionId: 'hKJETtoAdi9PPW0tZDQ4MThmMDoVYB',
        previousWatermark: 'ygwAAAAAAAA=',
        moreEvents: false,
        events: [
          {
            type: 'NewMailEvent',
            watermark: 'ywwAAAAAAAA=',
            timeStamp: '2018-02-02T15:15:14Z',
            itemId: 'AQApAHR',
            parentFolderId: 'AQApAH',
          },
        ],
      },
    ]);
  });

  it('reads a StatusEvent heartbeat', () => {
    const heartbeat = fixture('send-notification.request.xml').replace(
      /<t:NewMailEvent>[\s\S]*<\/t:NewMailEvent>/,
      '<t:StatusEvent><t:Watermark>zAwAAAAAAAA=</t:Watermark></t:StatusEvent>',
    );

    expect(parseSendNotification(heartbeat)[0]?.events).toEqual([{ type: 'StatusEvent', watermark: 'zAwAAAAAAAA=' }]);
  });

  it.each([
    ['not XML', 'hello', /not well-formed/],
    [
      'another envelope namespace',
      '<Envelope xmlns="https://schemas.xmlsoap.org/soap/envelope/"/>',
      /not a SOAP 1\.1 Envelope/,
    ],
    ['no body', '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>', /no Envelope\/Body/],
    [
      'no SendNotification',
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x/></s:Body></s:Envelope>',
      /no Body\/SendNotification/,
    ],
    [
      'no SubscriptionId',
      fixture('send-notification.request.xml').replace(/<t:SubscriptionId>.*<\/t:SubscriptionId>/, ''),
      /no Notification\/SubscriptionId/,
    ],
  ])('refuses %s with a protocol error naming what is missing', (_case, xml, message) => {
    let caught: unknown;
    try {
      parseSendNotification(xml);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(EwsError);
    expect(caught).toMatchObject({ kind: 'protocol', message: expect.stringMatching(message) as unknown });
  });
});

describe(sendNotificationResultXml.name, () => {
  it('answers OK exactly as protocols.md §2.5 shows', () => {
    expect(sendNotificationResultXml('OK')).toBe(fixture('send-notification-result.ok.xml'));
  });

  it('answers Unsubscribe in the same shape', () => {
    expect(sendNotificationResultXml('Unsubscribe')).toBe(
      fixture('send-notification-result.ok.xml').replace('>OK<', '>Unsubscribe<'),
    );
  });
});
