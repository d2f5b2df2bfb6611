import { EwsError, type EwsNotification } from '../ews-api.port';
import { MESSAGES_NS, SOAP_NS } from '../xml/namespaces';
import { escapeXml } from '../xml/xml-writer';
import { parseXml } from '../xml/xml.reader';
import { readNotification } from './ews-response.reader';

/**
 * The notifications of a push `SendNotification` POST (one per `SendNotificationResponseMessage`). Anything that
 * is not that shape is an `EwsError` of kind `protocol` naming the missing element.
 */
export function parseSendNotification(xml: string): EwsNotification[] {
  const operation = 'SendNotification';
  const envelope = parseXml(xml, `${operation} request`);
  if (envelope.local !== 'Envelope' || envelope.ns !== SOAP_NS) {
    throw new EwsError(
      'protocol',
      `${operation} request is not a SOAP 1.1 Envelope ({${envelope.ns}}${envelope.local})`,
    );
  }
  const body = envelope.child('Body');
  if (body === undefined) throw new EwsError('protocol', `${operation} request has no Envelope/Body`);
  const send = body.child('SendNotification', MESSAGES_NS);
  if (send === undefined) throw new EwsError('protocol', `${operation} request has no Body/SendNotification`);
  const messages = send.child('ResponseMessages');
  if (messages === undefined)
    throw new EwsError('protocol', `${operation} request has no SendNotification/ResponseMessages`);
  return messages.children.map((message) => {
    const notification = message.child('Notification');
    if (notification === undefined) {
      throw new EwsError('protocol', `${operation} request has no ${message.local}/Notification`);
    }
    return readNotification(operation, notification);
  });
}

/** The listener's answer to a `SendNotification`: `OK` to keep the subscription, `Unsubscribe` to end it. */
export function sendNotificationResultXml(status: 'OK' | 'Unsubscribe'): string {
  return [
    '<?xml version="1.0"?>',
    `<s:Envelope xmlns:s="${SOAP_NS}">`,
    '  <s:Body>',
    `    <SendNotificationResult xmlns="${MESSAGES_NS}">`,
    `      <SubscriptionStatus>${escapeXml(status)}</SubscriptionStatus>`,
    '    </SendNotificationResult>',
    '  </s:Body>',
    '</s:Envelope>',
    '',
  ].join('\n');
}
