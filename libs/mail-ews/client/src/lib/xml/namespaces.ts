/** SOAP 1.1 envelope namespace, `http://` as Exchange uses it (some Learn samples wrongly show `https://`). */
export const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** EWS messages (`m:`). */
export const MESSAGES_NS = 'http://schemas.microsoft.com/exchange/services/2006/messages';
/** EWS types (`t:`). */
export const TYPES_NS = 'http://schemas.microsoft.com/exchange/services/2006/types';
