import { escapeXml } from '../xml/xml-writer';

export const POX_REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
/** The Outlook provider's schema: the one whose `Protocol` elements carry `EwsUrl`. */
export const POX_OUTLOOK_RESPONSE_SCHEMA =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

/** The POX (`autodiscover.xml`) request for one address. */
export function poxRequest(smtpAddress: string): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<Autodiscover xmlns="${POX_REQUEST_NS}"><Request>` +
    `<EMailAddress>${escapeXml(smtpAddress)}</EMailAddress>` +
    `<AcceptableResponseSchema>${POX_OUTLOOK_RESPONSE_SCHEMA}</AcceptableResponseSchema>` +
    `</Request></Autodiscover>`
  );
}
