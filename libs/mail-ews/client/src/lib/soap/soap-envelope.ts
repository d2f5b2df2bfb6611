import type { EwsConnection, EwsTarget } from '../ews-api.port';
import { MESSAGES_NS, SOAP_NS, TYPES_NS } from '../xml/namespaces';
import { emptyElement, textElement } from '../xml/xml-writer';

export const DEFAULT_SERVER_VERSION = 'Exchange2013';

/**
 * A whole EWS request: `RequestServerVersion` and `ExchangeImpersonation/ConnectingSID/SmtpAddress` of the
 * target in the header, `body` (already built, its values escaped) in the body. Prefixes `soap:`, `m:`, `t:`.
 */
export function soapRequest(connection: EwsConnection, target: EwsTarget, body: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:m="${MESSAGES_NS}" xmlns:t="${TYPES_NS}" xmlns:soap="${SOAP_NS}">`,
    '<soap:Header>',
    emptyElement('t:RequestServerVersion', { Version: connection.serverVersion ?? DEFAULT_SERVER_VERSION }),
    '<t:ExchangeImpersonation><t:ConnectingSID>',
    textElement('t:SmtpAddress', target.impersonate),
    '</t:ConnectingSID></t:ExchangeImpersonation>',
    '</soap:Header>',
    `<soap:Body>${body}</soap:Body>`,
    '</soap:Envelope>',
  ].join('\n');
}
