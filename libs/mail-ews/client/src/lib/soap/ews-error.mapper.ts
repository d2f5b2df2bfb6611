import { EwsError, type EwsErrorKind } from '../ews-api.port';
import type { XmlElement } from '../xml/xml-element';
import { parseXml } from '../xml/xml.reader';

/** EWS's `ResponseCode`s the watcher acts on, by neutral kind. Anything else `Error...` is a request fault. */
const KIND_OF_CODE: Readonly<Record<string, EwsErrorKind>> = {
  ErrorServerBusy: 'server-busy',
  ErrorTimeoutExpired: 'server-busy',
  ErrorSubscriptionNotFound: 'subscription-not-found',
  ErrorInvalidSubscription: 'subscription-not-found',
  ErrorInvalidWatermark: 'invalid-watermark',
  ErrorExceededConnectionCount: 'connection-limit',
  ErrorExceededSubscriptionCount: 'subscription-limit',
  ErrorProxyRequestNotAllowed: 'mailbox-moved',
  ErrorReadEventsFailed: 'mailbox-moved',
  ErrorMailboxMoveInProgress: 'mailbox-moved',
  ErrorMissedNotificationEvents: 'missed-events',
  ErrorImpersonateUserDenied: 'access-denied',
  ErrorImpersonationDenied: 'access-denied',
  ErrorNonExistentMailbox: 'access-denied',
  ErrorAccessDenied: 'access-denied',
  ErrorItemNotFound: 'not-found',
  ErrorFolderNotFound: 'not-found',
  ErrorInternalServerError: 'unavailable',
  ErrorMailboxStoreUnavailable: 'unavailable',
  ErrorConnectionFailed: 'unavailable',
};

/** Messages are for logs; a server that sends pages of text is cut short. */
const MAX_TEXT = 300;

/** The kind of an EWS `ResponseCode` (or a SOAP fault's code). */
export function kindOfResponseCode(code: string): EwsErrorKind {
  return KIND_OF_CODE[code] ?? 'invalid-request';
}

/**
 * The error of a `ResponseMessage` whose `ResponseClass` is `Error`: its `ResponseCode`, `MessageText` and the
 * `BackOffMilliseconds` of `MessageXml`. `ErrorInternalServerError` that wraps `ErrorServerBusy` is server-busy.
 */
export function errorFromResponseMessage(operation: string, message: XmlElement, httpStatus = 200): EwsError {
  const code = message.textOf('ResponseCode') ?? 'ErrorUnknown';
  const text = message.textOf('MessageText');
  return buildError(operation, code, text, message.child('MessageXml'), httpStatus);
}

/**
 * The error of an answer that is not HTTP 200 (or a 200 whose body is a SOAP fault): a fault's code decides
 * (`ErrorServerBusy` comes as a 500 fault), else the status: 401 `auth`, 503 `server-busy`, 5xx `unavailable`.
 */
export function errorFromHttp(operation: string, status: number, body: string): EwsError {
  const fault = faultOf(body);
  if (fault !== undefined) {
    const code = faultCode(fault);
    if (code !== undefined) {
      const text = fault.textOf('faultstring') ?? fault.child('detail')?.textOf('Message');
      return buildError(operation, code, text, fault.child('detail')?.child('MessageXml'), status);
    }
  }
  const kind: EwsErrorKind =
    status === 401
      ? 'auth'
      : status === 503
        ? 'server-busy'
        : status === 403
          ? 'access-denied'
          : status >= 500 || status === 408
            ? 'unavailable'
            : status >= 400
              ? 'invalid-request'
              : 'protocol';
  const excerpt = body.trim().replace(/\s+/g, ' ').slice(0, 120);
  return new EwsError(kind, `${operation} answered HTTP ${status}${excerpt === '' ? '' : `: ${excerpt}`}`, {
    httpStatus: status,
  });
}

/** The `Fault` of a SOAP envelope, if `body` is one. */
export function faultOf(body: string): XmlElement | undefined {
  if (!body.includes('Fault')) return undefined;
  try {
    return parseXml(body).child('Body')?.child('Fault');
  } catch {
    return undefined;
  }
}

/** `BackOffMilliseconds` of a `MessageXml` (`<t:Value Name="BackOffMilliseconds">`). */
export function backOffMsOf(messageXml: XmlElement | undefined): number | undefined {
  const value = messageXml?.all('Value').find((element) => element.attrs['Name'] === 'BackOffMilliseconds');
  if (value === undefined) return undefined;
  const ms = Number(value.text.trim());
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

function buildError(
  operation: string,
  code: string,
  text: string | undefined,
  messageXml: XmlElement | undefined,
  httpStatus: number,
): EwsError {
  const backOffMs = backOffMsOf(messageXml);
  const kind = wrapsServerBusy(code, text, messageXml) ? 'server-busy' : kindOfResponseCode(code);
  const detail = text === undefined || text === '' ? '' : `: ${text.slice(0, MAX_TEXT)}`;
  return new EwsError(kind, `${operation} failed with ${code}${detail}`, {
    responseCode: code,
    httpStatus,
    ...(backOffMs === undefined ? {} : { backOffMs }),
  });
}

/** Throttling as EWS also reports it: HTTP 200, `ErrorInternalServerError`, the inner error `ErrorServerBusy`. */
function wrapsServerBusy(code: string, text: string | undefined, messageXml: XmlElement | undefined): boolean {
  if (code !== 'ErrorInternalServerError') return false;
  if (text?.includes('ErrorServerBusy') === true) return true;
  return (
    messageXml?.all('Value').some((value) => value.text.trim() === 'ErrorServerBusy') === true ||
    backOffMsOf(messageXml) !== undefined
  );
}

/** `a:ErrorServerBusy` of `faultcode`, else `detail/ResponseCode`; `undefined` for a generic `soap:Client`/`Server`. */
function faultCode(fault: XmlElement): string | undefined {
  const detailCode = fault.child('detail')?.textOf('ResponseCode');
  if (detailCode !== undefined && detailCode !== '') return detailCode;
  const faultcode = fault.textOf('faultcode');
  const local = faultcode?.slice(faultcode.indexOf(':') + 1);
  return local !== undefined && local.startsWith('Error') ? local : undefined;
}
