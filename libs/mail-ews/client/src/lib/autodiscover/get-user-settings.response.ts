import { parseXml } from '../xml/xml.reader';
import type { XmlElement } from '../xml/xml-element';
import { present, type AutodiscoverAnswer } from './autodiscover-answer';

/**
 * Reads a `GetUserSettingsResponseMessage`. Element names are matched by local name only, so that both spellings
 * of the Autodiscover namespace (`http://`, `https://`) read alike. `ErrorCode` is honoured at `Response` level
 * (the whole request) first, then at `UserResponse` level (our one user).
 */
export function readGetUserSettingsResponse(body: string): AutodiscoverAnswer {
  let envelope: XmlElement;
  try {
    envelope = parseXml(body, 'the GetUserSettings response');
  } catch (error) {
    return notAutodiscover(error instanceof Error ? error.message : String(error));
  }
  const soapBody = envelope.local === 'Envelope' ? envelope.child('Body') : undefined;
  const fault = soapBody?.child('Fault');
  if (fault !== undefined) {
    return {
      kind: 'unusable',
      detail: `SOAP fault: ${fault.textOf('faultstring') ?? 'no faultstring'}`,
      autodiscover: true,
    };
  }
  const response = soapBody?.path('GetUserSettingsResponseMessage', 'Response');
  if (response === undefined) return notAutodiscover('not a GetUserSettingsResponseMessage');

  const whole = errorAnswer(response);
  if (whole !== undefined) return whole;
  const user = response.path('UserResponses', 'UserResponse');
  if (user === undefined) return { kind: 'unusable', detail: 'no UserResponse', autodiscover: true };
  return errorAnswer(user) ?? settingsAnswer(user);
}

/** The answer an `ErrorCode` other than `NoError` means; `undefined` for `NoError` (or none). */
function errorAnswer(element: XmlElement): AutodiscoverAnswer | undefined {
  const code = present(element.textOf('ErrorCode')) ?? 'NoError';
  const message = present(element.textOf('ErrorMessage'));
  const target = present(element.textOf('RedirectTarget'));
  switch (code) {
    case 'NoError':
      return undefined;
    case 'RedirectAddress':
      return target === undefined ? missingTarget(code) : { kind: 'redirect-address', target };
    case 'RedirectUrl':
      return target === undefined ? missingTarget(code) : { kind: 'redirect-url', target };
    case 'InvalidUser':
      return { kind: 'invalid-user', detail: `InvalidUser${message === undefined ? '' : `: ${message}`}` };
    default:
      return { kind: 'unusable', detail: `${code}${message === undefined ? '' : `: ${message}`}`, autodiscover: true };
  }
}

function settingsAnswer(user: XmlElement): AutodiscoverAnswer {
  const values = new Map<string, string>();
  for (const setting of user.child('UserSettings')?.all('UserSetting') ?? []) {
    const name = present(setting.textOf('Name'));
    const value = present(setting.textOf('Value'));
    if (name !== undefined && value !== undefined) values.set(name, value);
  }
  const externalEwsUrl = values.get('ExternalEwsUrl');
  const internalEwsUrl = values.get('InternalEwsUrl');
  const ewsUrl = externalEwsUrl ?? internalEwsUrl;
  if (ewsUrl === undefined) {
    return { kind: 'unusable', detail: 'settings without ExternalEwsUrl or InternalEwsUrl', autodiscover: true };
  }
  return {
    kind: 'settings',
    ewsUrl,
    ...(externalEwsUrl === undefined ? {} : { externalEwsUrl }),
    ...(internalEwsUrl === undefined ? {} : { internalEwsUrl }),
    groupingInformation: values.get('GroupingInformation') ?? '',
  };
}

function missingTarget(code: string): AutodiscoverAnswer {
  return { kind: 'unusable', detail: `${code} without a RedirectTarget`, autodiscover: true };
}

function notAutodiscover(detail: string): AutodiscoverAnswer {
  return { kind: 'unusable', detail, autodiscover: false };
}
