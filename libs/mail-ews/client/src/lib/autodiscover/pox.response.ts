import { parseXml } from '../xml/xml.reader';
import type { XmlElement } from '../xml/xml-element';
import { present, type AutodiscoverAnswer } from './autodiscover-answer';

/** POX error 500: "The e-mail address cannot be found" (MS-OXDSCLI), the POX form of `InvalidUser`. */
const POX_UNKNOWN_ADDRESS = '500';

/**
 * Reads a POX (Outlook provider) answer: `Account/Action` `settings` (the `EXPR` protocol's `EwsUrl` is external,
 * `EXCH`'s internal), `redirectAddr` or `redirectUrl`; or `Response/Error`.
 */
export function readPoxResponse(body: string): AutodiscoverAnswer {
  let root: XmlElement;
  try {
    root = parseXml(body, 'the POX Autodiscover response');
  } catch (error) {
    return { kind: 'unusable', detail: error instanceof Error ? error.message : String(error), autodiscover: false };
  }
  const response = root.local === 'Autodiscover' ? root.child('Response') : undefined;
  if (response === undefined)
    return { kind: 'unusable', detail: 'not a POX Autodiscover response', autodiscover: false };

  const error = response.child('Error');
  if (error !== undefined) {
    const code = present(error.textOf('ErrorCode')) ?? 'no ErrorCode';
    const detail = `POX error ${code}: ${present(error.textOf('Message')) ?? 'no Message'}`;
    return code === POX_UNKNOWN_ADDRESS
      ? { kind: 'invalid-user', detail }
      : { kind: 'unusable', detail, autodiscover: true };
  }
  const account = response.child('Account');
  if (account === undefined) return { kind: 'unusable', detail: 'POX response without Account', autodiscover: true };
  return accountAnswer(account);
}

function accountAnswer(account: XmlElement): AutodiscoverAnswer {
  const action = present(account.textOf('Action')) ?? 'settings';
  switch (action) {
    case 'redirectAddr':
      return redirect('redirect-address', present(account.textOf('RedirectAddr')), action);
    case 'redirectUrl':
      return redirect('redirect-url', present(account.textOf('RedirectUrl')), action);
    case 'settings':
      return settingsAnswer(account);
    default:
      return { kind: 'unusable', detail: `unknown POX Action '${action}'`, autodiscover: true };
  }
}

function settingsAnswer(account: XmlElement): AutodiscoverAnswer {
  const external = protocolOfType(account, 'EXPR');
  const internal = protocolOfType(account, 'EXCH');
  const externalEwsUrl = present(external?.textOf('EwsUrl'));
  const internalEwsUrl = present(internal?.textOf('EwsUrl'));
  const ewsUrl = externalEwsUrl ?? internalEwsUrl;
  if (ewsUrl === undefined) {
    return { kind: 'unusable', detail: 'POX settings without an EXPR or EXCH EwsUrl', autodiscover: true };
  }
  const groupingInformation =
    present(external?.textOf('GroupingInformation')) ?? present(internal?.textOf('GroupingInformation')) ?? '';
  return {
    kind: 'settings',
    ewsUrl,
    ...(externalEwsUrl === undefined ? {} : { externalEwsUrl }),
    ...(internalEwsUrl === undefined ? {} : { internalEwsUrl }),
    groupingInformation,
  };
}

/** `<Protocol><Type>EXPR</Type>…` (newer servers may also write `<Protocol Type="…">`). */
function protocolOfType(account: XmlElement, type: string): XmlElement | undefined {
  return account
    .all('Protocol')
    .find((protocol) => (present(protocol.textOf('Type')) ?? protocol.attrs['Type']?.trim()) === type);
}

function redirect(
  kind: 'redirect-address' | 'redirect-url',
  target: string | undefined,
  action: string,
): AutodiscoverAnswer {
  return target === undefined
    ? { kind: 'unusable', detail: `POX ${action} without a target`, autodiscover: true }
    : { kind, target };
}
