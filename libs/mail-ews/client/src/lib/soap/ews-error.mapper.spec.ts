import { EwsError, type EwsErrorKind } from '../ews-api.port';
import { MESSAGES_NS, SOAP_NS, TYPES_NS } from '../xml/namespaces';
import { parseXml } from '../xml/xml.reader';
import { errorFromHttp, errorFromResponseMessage, kindOfResponseCode } from './ews-error.mapper';

function responseMessage(code: string, messageXml = '', text = 'Something happened.') {
  const xml = `<m:GetItemResponseMessage xmlns:m="${MESSAGES_NS}" xmlns:t="${TYPES_NS}" ResponseClass="Error">
    <m:MessageText>${text}</m:MessageText>
    <m:ResponseCode>${code}</m:ResponseCode>
    <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
    ${messageXml === '' ? '' : `<m:MessageXml>${messageXml}</m:MessageXml>`}
  </m:GetItemResponseMessage>`;
  return parseXml(xml);
}

/** The 500 fault Exchange sends for `ErrorServerBusy` (and impersonation/schema faults). */
function fault(code: string, backOff?: number): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="${SOAP_NS}">
  <s:Body>
    <s:Fault>
      <faultcode xmlns:a="${TYPES_NS}">a:${code}</faultcode>
      <faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring>
      <detail>
        <e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${code}</e:ResponseCode>
        <e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">Try again later.</e:Message>
        ${
          backOff === undefined
            ? ''
            : `<t:MessageXml xmlns:t="${TYPES_NS}"><t:Value Name="BackOffMilliseconds">${backOff}</t:Value></t:MessageXml>`
        }
      </detail>
    </s:Fault>
  </s:Body>
</s:Envelope>`;
}

describe('EWS error mapper', () => {
  it.each<[string, EwsErrorKind]>([
    ['ErrorServerBusy', 'server-busy'],
    ['ErrorTimeoutExpired', 'server-busy'],
    ['ErrorSubscriptionNotFound', 'subscription-not-found'],
    ['ErrorInvalidSubscription', 'subscription-not-found'],
    ['ErrorInvalidWatermark', 'invalid-watermark'],
    ['ErrorExceededConnectionCount', 'connection-limit'],
    ['ErrorExceededSubscriptionCount', 'subscription-limit'],
    ['ErrorProxyRequestNotAllowed', 'mailbox-moved'],
    ['ErrorReadEventsFailed', 'mailbox-moved'],
    ['ErrorMailboxMoveInProgress', 'mailbox-moved'],
    ['ErrorMissedNotificationEvents', 'missed-events'],
    ['ErrorImpersonateUserDenied', 'access-denied'],
    ['ErrorImpersonationDenied', 'access-denied'],
    ['ErrorNonExistentMailbox', 'access-denied'],
    ['ErrorAccessDenied', 'access-denied'],
    ['ErrorItemNotFound', 'not-found'],
    ['ErrorFolderNotFound', 'not-found'],
    ['ErrorInvalidSyncStateData', 'invalid-request'],
    ['ErrorInvalidRequest', 'invalid-request'],
    ['ErrorSchemaValidation', 'invalid-request'],
    ['ErrorInvalidSubscriptionRequest', 'invalid-request'],
    ['ErrorInternalServerError', 'unavailable'],
  ])('maps ResponseCode %s to %s', (code, kind) => {
    expect(kindOfResponseCode(code)).toBe(kind);

    const sut = errorFromResponseMessage('GetItem', responseMessage(code));

    expect(sut).toBeInstanceOf(EwsError);
    expect(sut).toMatchObject({ kind, details: { responseCode: code, httpStatus: 200 } });
    expect(sut.message).toBe(`GetItem failed with ${code}: Something happened.`);
  });

  it('reads BackOffMilliseconds of ErrorServerBusy in a response message', () => {
    const sut = errorFromResponseMessage(
      'Subscribe',
      responseMessage('ErrorServerBusy', '<t:Value Name="BackOffMilliseconds">297749</t:Value>'),
    );

    expect(sut).toMatchObject({ kind: 'server-busy', details: { backOffMs: 297749 } });
  });

  it('treats a 200 ErrorInternalServerError wrapping ErrorServerBusy as server-busy', () => {
    const sut = errorFromResponseMessage(
      'GetItem',
      responseMessage(
        'ErrorInternalServerError',
        '<t:Value Name="InnerErrorResponseCode">ErrorServerBusy</t:Value><t:Value Name="BackOffMilliseconds">5000</t:Value>',
      ),
    );

    expect(sut).toMatchObject({
      kind: 'server-busy',
      details: { responseCode: 'ErrorInternalServerError', backOffMs: 5000 },
    });
  });

  it('reads an HTTP 500 SOAP fault with ErrorServerBusy and its back-off', () => {
    const sut = errorFromHttp('GetStreamingEvents', 500, fault('ErrorServerBusy', 30000));

    expect(sut).toMatchObject({
      kind: 'server-busy',
      details: { responseCode: 'ErrorServerBusy', httpStatus: 500, backOffMs: 30000 },
    });
  });

  it.each<[string, EwsErrorKind]>([
    ['ErrorImpersonateUserDenied', 'access-denied'],
    ['ErrorSchemaValidation', 'invalid-request'],
    ['ErrorNonExistentMailbox', 'access-denied'],
  ])('reads an HTTP 500 SOAP fault with %s', (code, kind) => {
    expect(errorFromHttp('Subscribe', 500, fault(code))).toMatchObject({ kind, details: { responseCode: code } });
  });

  it.each<[number, string, EwsErrorKind]>([
    [503, '<html>Service Unavailable</html>', 'server-busy'],
    [401, '', 'auth'],
    [403, '', 'access-denied'],
    [500, 'boom', 'unavailable'],
    [502, '', 'unavailable'],
    [400, 'bad', 'invalid-request'],
    [302, '', 'protocol'],
  ])('maps HTTP %s without a fault code to %s', (status, body, kind) => {
    expect(errorFromHttp('GetItem', status, body)).toMatchObject({ kind, details: { httpStatus: status } });
  });

  it('names the operation and the status', () => {
    expect(errorFromHttp('GetFolder', 502, ' Bad\n gateway ').message).toBe('GetFolder answered HTTP 502: Bad gateway');
  });
});
