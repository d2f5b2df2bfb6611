import type { OnApplicationShutdown } from '@nestjs/common';
import {
  EwsApi,
  EwsError,
  type EwsConnection,
  type EwsEventStream,
  type EwsInboxState,
  type EwsItemSummary,
  type EwsStreamMessage,
  type EwsSubscribed,
  type EwsSyncPage,
  type EwsTarget,
  type PushSubscribeRequest,
  type StreamingSubscribeRequest,
} from './ews-api.port';
import type { EwsHttp, EwsHttpResponse, EwsHttpStreamingResponse } from './http/ews-http.port';
import { UndiciEwsHttp } from './http/undici-ews-http.adapter';
import { errorFromHttp, faultOf } from './soap/ews-error.mapper';
import {
  getInboxBody,
  getItemBody,
  getStreamingEventsBody,
  subscribePushBody,
  subscribeStreamingBody,
  syncInboxBody,
  unsubscribeBody,
} from './soap/ews-request.builder';
import {
  readGetInbox,
  readGetItem,
  readStreamingMessage,
  readSubscribe,
  readSyncFolderItems,
  singleMessage,
} from './soap/ews-response.reader';
import { soapRequest } from './soap/soap-envelope';
import { EnvelopeSplitter } from './xml/envelope-splitter';
import type { XmlElement } from './xml/xml-element';
import { parseXml } from './xml/xml.reader';

/** EWS takes many ids per `GetItem`; 50 keeps each answer small. */
export const GET_ITEM_BATCH = 50;
const DEFAULT_SYNC_CHANGES = 512;
const AFFINITY_COOKIE = 'X-BackEndOverrideCookie';
const DEFAULT_FIRST_MESSAGE_WAIT_MS = 10_000;

export interface EwsSoapApiSettings {
  /**
   * How long `getStreamingEvents` waits for the stream's first envelope, in which Exchange refuses a connection
   * (`ErrorExceededConnectionCount`); a server that says nothing until its first event is taken as streaming.
   * Default 10 s.
   */
  readonly firstMessageWaitMs?: number;
}

/**
 * `EwsApi` in SOAP over `EwsHttp`. Every call carries `X-AnchorMailbox` and impersonation of the target, and
 * with affinity `X-PreferServerAffinity: true` and the group's `X-BackEndOverrideCookie`. Errors are `EwsError`s.
 */
export class EwsSoapApi extends EwsApi implements OnApplicationShutdown {
  private readonly firstMessageWaitMs: number;

  constructor(
    private readonly http: EwsHttp = new UndiciEwsHttp(),
    settings: EwsSoapApiSettings = {},
  ) {
    super();
    this.firstMessageWaitMs = settings.firstMessageWaitMs ?? DEFAULT_FIRST_MESSAGE_WAIT_MS;
  }

  async subscribeStreaming(
    connection: EwsConnection,
    target: EwsTarget,
    request: StreamingSubscribeRequest = {},
  ): Promise<EwsSubscribed> {
    return this.subscribe(connection, target, subscribeStreamingBody(request.eventTypes));
  }

  async subscribePush(
    connection: EwsConnection,
    target: EwsTarget,
    request: PushSubscribeRequest,
  ): Promise<EwsSubscribed> {
    return this.subscribe(connection, target, subscribePushBody(request));
  }

  async getStreamingEvents(
    connection: EwsConnection,
    target: EwsTarget,
    subscriptionIds: readonly string[],
    connectionTimeoutMinutes: number,
  ): Promise<EwsEventStream> {
    const operation = 'GetStreamingEvents';
    const body = soapRequest(connection, target, getStreamingEventsBody(subscriptionIds, connectionTimeoutMinutes));
    const response = await this.http.open(connection, {
      url: target.ewsUrl,
      headers: headersFor(target),
      body,
      ...(target.signal === undefined ? {} : { signal: target.signal }),
    });
    if (response.status !== 200) {
      const text = await readAll(response);
      throw errorFromHttp(operation, response.status, text);
    }
    const stream = new StreamingEvents(response);
    // The server refuses (ErrorExceededConnectionCount, a bad subscription) in the first envelope: fail the open.
    let first: EwsStreamMessage | undefined;
    try {
      first = await stream.first(this.firstMessageWaitMs);
    } catch (error) {
      stream.close();
      throw error;
    }
    if (first?.error !== undefined && first.connectionStatus !== 'OK') {
      stream.close();
      throw first.error;
    }
    return stream;
  }

  async unsubscribe(connection: EwsConnection, target: EwsTarget, subscriptionId: string): Promise<void> {
    try {
      singleMessage('Unsubscribe', await this.call(connection, target, 'Unsubscribe', unsubscribeBody(subscriptionId)));
    } catch (error) {
      if (error instanceof EwsError && error.kind === 'subscription-not-found') return;
      throw error;
    }
  }

  async getItems(connection: EwsConnection, target: EwsTarget, itemIds: readonly string[]): Promise<EwsItemSummary[]> {
    const summaries: EwsItemSummary[] = [];
    for (let at = 0; at < itemIds.length; at += GET_ITEM_BATCH) {
      const batch = itemIds.slice(at, at + GET_ITEM_BATCH);
      const envelope = await this.call(connection, target, 'GetItem', getItemBody(batch));
      for (const summary of readGetItem(envelope)) if (summary !== undefined) summaries.push(summary);
    }
    return summaries;
  }

  async getInbox(connection: EwsConnection, target: EwsTarget): Promise<EwsInboxState> {
    return readGetInbox(await this.call(connection, target, 'GetFolder', getInboxBody()));
  }

  async syncInbox(
    connection: EwsConnection,
    target: EwsTarget,
    syncState: string | undefined,
    maxChanges = DEFAULT_SYNC_CHANGES,
  ): Promise<EwsSyncPage> {
    const body = syncInboxBody(syncState, maxChanges);
    return readSyncFolderItems(await this.call(connection, target, 'SyncFolderItems', body));
  }

  /** Closes the HTTP client (its NTLM sockets, agents and open streams). */
  close(): Promise<void> {
    return this.http.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async subscribe(connection: EwsConnection, target: EwsTarget, body: string): Promise<EwsSubscribed> {
    const response = await this.send(connection, target, 'Subscribe', body);
    const subscribed = readSubscribe(envelopeOf('Subscribe', response));
    const cookie = affinityCookieOf(response.headers['set-cookie'] ?? []);
    return { ...subscribed, ...(cookie === undefined ? {} : { backEndOverrideCookie: cookie }) };
  }

  private async call(
    connection: EwsConnection,
    target: EwsTarget,
    operation: string,
    body: string,
  ): Promise<XmlElement> {
    return envelopeOf(operation, await this.send(connection, target, operation, body));
  }

  private async send(
    connection: EwsConnection,
    target: EwsTarget,
    operation: string,
    body: string,
  ): Promise<EwsHttpResponse> {
    const response = await this.http.send(connection, {
      url: target.ewsUrl,
      headers: headersFor(target),
      body: soapRequest(connection, target, body),
      ...(target.signal === undefined ? {} : { signal: target.signal }),
    });
    if (response.status !== 200 || faultOf(response.body) !== undefined) {
      throw errorFromHttp(operation, response.status, response.body);
    }
    return response;
  }
}

/** The headers of every EWS call (acceptance facts 13, 14). */
export function headersFor(target: EwsTarget): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'text/xml; charset=utf-8',
    Accept: 'text/xml',
    'X-AnchorMailbox': target.anchorMailbox,
  };
  if (target.affinity !== undefined) {
    headers['X-PreferServerAffinity'] = 'true';
    const cookie = target.affinity.backEndOverrideCookie;
    if (cookie !== undefined && cookie !== '') headers['Cookie'] = `${AFFINITY_COOKIE}=${cookie}`;
  }
  return headers;
}

/** The value of `X-BackEndOverrideCookie` among `Set-Cookie` headers (attributes after `;` dropped). */
export function affinityCookieOf(setCookies: readonly string[]): string | undefined {
  for (const header of setCookies) {
    const [pair] = header.split(';');
    const at = pair?.indexOf('=') ?? -1;
    if (pair !== undefined && at > 0 && pair.slice(0, at).trim() === AFFINITY_COOKIE) {
      const value = pair.slice(at + 1).trim();
      if (value !== '') return value;
    }
  }
  return undefined;
}

function envelopeOf(operation: string, response: EwsHttpResponse): XmlElement {
  return parseXml(response.body, `${operation} response`);
}

async function readAll(response: EwsHttpStreamingResponse): Promise<string> {
  let text = '';
  try {
    for await (const chunk of response.body) {
      text += chunk;
      if (text.length > 64_000) break;
    }
  } catch {
    // The status says enough.
  } finally {
    response.abort();
  }
  return text;
}

/** One `GetStreamingEvents` response as messages: the body split into envelopes, each read as it completes. */
class StreamingEvents implements EwsEventStream {
  private readonly iterator: AsyncIterator<EwsStreamMessage>;
  private peeked: Promise<IteratorResult<EwsStreamMessage>> | undefined;
  private closed = false;

  constructor(private readonly response: EwsHttpStreamingResponse) {
    this.iterator = this.messages()[Symbol.asyncIterator]();
  }

  /** The first message if it comes within `waitMs` (kept to be handed out again by the iteration). */
  async first(waitMs: number): Promise<EwsStreamMessage | undefined> {
    const peeked = this.iterator.next();
    this.peeked = peeked;
    // Should it fail after the wait, the iteration reports it; it must not go unhandled meanwhile.
    peeked.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), waitMs);
    });
    try {
      const result = await Promise.race([peeked, waited]);
      return result === undefined || result.done === true ? undefined : result.value;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.closed = true;
    this.response.abort();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<EwsStreamMessage, void, undefined> {
    try {
      for (;;) {
        const next = this.peeked ?? this.iterator.next();
        this.peeked = undefined;
        const result = await next;
        if (result.done === true) return;
        yield result.value;
      }
    } finally {
      this.close();
    }
  }

  private async *messages(): AsyncGenerator<EwsStreamMessage, void, undefined> {
    const splitter = new EnvelopeSplitter();
    for await (const chunk of this.response.body) {
      for (const envelope of splitter.push(chunk)) yield readStreamingMessage(envelope);
    }
    if (!this.closed) splitter.end();
  }
}
