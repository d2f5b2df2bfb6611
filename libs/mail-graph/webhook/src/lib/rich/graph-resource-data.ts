import type { GraphResourceData } from '@mailpush/contracts';

const MAX_SUBJECT = 4096;
const MAX_NAME = 512;
const MAX_ADDRESS = 320;
const MAX_FOLDER_ID = 1024;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * The summary fields of a decrypted Graph message (only what the subscription's `$select` asked for is there).
 * A field of the wrong type is left out rather than failing the item; a subject or sender name longer than
 * the contract allows is cut, an over-long address or folder id is left out.
 */
export function toGraphResourceData(message: Readonly<Record<string, unknown>>): GraphResourceData {
  const { subject, receivedDateTime, isRead, parentFolderId } = message;
  const from = fromAddress(message['from']);
  return {
    ...(typeof subject === 'string' ? { subject: subject.slice(0, MAX_SUBJECT) } : {}),
    ...(from === undefined ? {} : { from }),
    ...(typeof receivedDateTime === 'string' && ISO_DATE_TIME.test(receivedDateTime) ? { receivedDateTime } : {}),
    ...(typeof isRead === 'boolean' ? { isRead } : {}),
    ...(typeof parentFolderId === 'string' && parentFolderId.length <= MAX_FOLDER_ID ? { parentFolderId } : {}),
  };
}

/** `from.emailAddress` → `{ name, address }`. */
function fromAddress(value: unknown): GraphResourceData['from'] {
  const emailAddress = isObject(value) ? value['emailAddress'] : undefined;
  if (!isObject(emailAddress)) return undefined;
  const { name, address } = emailAddress;
  const from = {
    ...(typeof name === 'string' ? { name: name.slice(0, MAX_NAME) } : {}),
    ...(typeof address === 'string' && address.length <= MAX_ADDRESS ? { address } : {}),
  };
  return Object.keys(from).length === 0 ? undefined : from;
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
