// The package ships no types; its declaration lives beside this file and must reach every program that compiles it.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./ntlm-client.d.ts" />
import { createType1Message, createType3Message, decodeType2Message, type Type2Message } from '@ewsjs/ntlm-client';
import { Client, type Dispatcher } from 'undici';
import type { SecureContext } from 'node:tls';
import { EwsError } from '../ews-api.port';
import { ntlmAccountName, type NtlmCredentials } from './ntlm-credentials';
import type { WireRequest } from './wire-request';

/** Idle keep-alive when the server announces none (IIS does not); the NTLM sign-in lives as long as the socket. */
const KEEP_ALIVE_MS = 30_000;

/**
 * One TCP connection signed in with NTLM. NTLM authenticates the connection, not a request: Type 1 goes out, the
 * 401 carries the Type 2 challenge, and the Type 3 answer rides on the real request over the SAME socket, after
 * which further requests on it need no header. An undici `Client` holds exactly one socket; its `connect` events
 * tell whether the socket is still the one that was signed in.
 */
export class NtlmConnection {
  private readonly client: Client;
  private socketsOpened = 0;
  private connected = false;
  /** Which socket (by `socketsOpened`) is signed in; -1: none. */
  private signedIn = -1;

  constructor(
    origin: string,
    secureContext: SecureContext | undefined,
    private readonly credentials: NtlmCredentials,
    private readonly workstation: string | undefined,
  ) {
    this.client = new Client(origin, {
      pipelining: 1,
      keepAliveTimeout: KEEP_ALIVE_MS,
      ...(secureContext === undefined ? {} : { connect: { secureContext } }),
    });
    this.client.on('connect', () => {
      this.socketsOpened += 1;
      this.connected = true;
    });
    this.client.on('disconnect', () => {
      this.connected = false;
    });
  }

  /** Sends `request`, signing the socket in first when it is not (a new socket, or the server forgot). */
  async request(request: WireRequest, what: string): Promise<Dispatcher.ResponseData> {
    if (this.connected && this.signedIn === this.socketsOpened) {
      const response = await this.client.request(request);
      if (response.statusCode !== 401) return response;
      await response.body.dump();
    }
    return this.handshake(request, what);
  }

  /** Closes the socket now (an aborted stream, shutdown). */
  destroy(): Promise<void> {
    return this.client.destroy().catch(() => undefined);
  }

  private async handshake(request: WireRequest, what: string): Promise<Dispatcher.ResponseData> {
    const { user, domain, password } = this.credentials;
    const challenge = await this.client.request({
      ...request,
      headers: { ...request.headers, authorization: createType1Message(this.workstation, domain) },
      body: '',
    });
    const socket = this.socketsOpened;
    if (challenge.statusCode !== 401) {
      // The server asked for nothing (or failed before auth): the real request goes as it is.
      await challenge.body.dump();
      return this.client.request(request);
    }
    const offered = headerValues(challenge.headers['www-authenticate']);
    await challenge.body.dump();
    const type2 = readChallenge(offered, what);
    const response = await this.client.request({
      ...request,
      headers: {
        ...request.headers,
        authorization: createType3Message(type2, user, password, this.workstation, domain),
      },
    });
    if (this.socketsOpened !== socket) {
      await response.body.dump();
      throw new EwsError('auth', `${what}: the server closed the connection during the NTLM handshake`);
    }
    if (response.statusCode === 401) {
      await response.body.dump();
      throw new EwsError('auth', `${what}: NTLM sign-in refused for ${ntlmAccountName(this.credentials)}`, {
        httpStatus: 401,
      });
    }
    this.signedIn = socket;
    return response;
  }
}

function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The Type 2 message of `WWW-Authenticate: NTLM <base64>` (there may also be `Negotiate`, in one header or several). */
function readChallenge(offered: readonly string[], what: string): Type2Message {
  const token = offered.map((value) => /(?:^|,)\s*NTLM\s+([A-Za-z0-9+/=]+)/i.exec(value)?.[1]).find(Boolean);
  if (token === undefined) {
    throw new EwsError(
      'auth',
      `${what}: no NTLM challenge in the 401 (WWW-Authenticate: ${offered.join(', ') || 'none'})`,
      { httpStatus: 401 },
    );
  }
  try {
    return decodeType2Message(`NTLM ${token}`);
  } catch (error) {
    throw new EwsError('protocol', `${what}: unreadable NTLM challenge (${(error as Error).message})`, {
      cause: error,
    });
  }
}
