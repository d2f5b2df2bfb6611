import { escapeXml } from '../xml/xml-writer';
import { SOAP_NS } from '../xml/namespaces';

/** The Autodiscover SOAP namespace in its `http://` form (the WSDL's; Learn's samples render `https://`). */
export const AUTODISCOVER_NS = 'http://schemas.microsoft.com/exchange/2010/Autodiscover';
export const WS_ADDRESSING_NS = 'http://www.w3.org/2005/08/addressing';
export const GET_USER_SETTINGS_ACTION = `${AUTODISCOVER_NS}/Autodiscover/GetUserSettings`;

/** Exactly what the watcher needs: where EWS is, the affinity group, and which Exchange answers. */
export const REQUESTED_USER_SETTINGS = ['ExternalEwsUrl', 'InternalEwsUrl', 'GroupingInformation', 'CasVersion'];

/**
 * A `GetUserSettings` request for one mailbox, sent to `url` (its `wsa:To`). `Exchange2013` is the lowest version
 * that knows `GroupingInformation`.
 */
export function getUserSettingsRequest(url: string, smtpAddress: string): string {
  const settings = REQUESTED_USER_SETTINGS.map((name) => `<a:Setting>${name}</a:Setting>`).join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<soap:Envelope xmlns:a="${AUTODISCOVER_NS}" xmlns:wsa="${WS_ADDRESSING_NS}"` +
    ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:soap="${SOAP_NS}">` +
    `<soap:Header>` +
    `<a:RequestedServerVersion>Exchange2013</a:RequestedServerVersion>` +
    `<wsa:Action>${GET_USER_SETTINGS_ACTION}</wsa:Action>` +
    `<wsa:To>${escapeXml(url)}</wsa:To>` +
    `</soap:Header>` +
    `<soap:Body><a:GetUserSettingsRequestMessage><a:Request>` +
    `<a:Users><a:User><a:Mailbox>${escapeXml(smtpAddress)}</a:Mailbox></a:User></a:Users>` +
    `<a:RequestedSettings>${settings}</a:RequestedSettings>` +
    `</a:Request></a:GetUserSettingsRequestMessage></soap:Body>` +
    `</soap:Envelope>`
  );
}
