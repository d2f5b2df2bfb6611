import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { request, type Dispatcher } from 'undici';
import { describeCause } from './wire-request';

/**
 * MSAL's HTTP (authority discovery, token endpoint) through the connection's undici Agent, so a private CA in
 * `caPem` is trusted by the token calls as by the EWS calls; msal-node's own client is bare `fetch`.
 */
export class MsalNetworkClient implements INetworkModule {
  /** Why the last request failed (MSAL reports a failed discovery as a bare `endpoints_resolution_error`). */
  lastFailure: string | undefined;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs: number,
  ) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout ?? this.timeoutMs);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options, this.timeoutMs);
  }

  private async send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeoutMs: number,
  ): Promise<NetworkResponse<T>> {
    // The posted form holds the client secret: only the endpoint is ever named.
    const endpoint = `${method} ${endpointOf(url)}`;
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await request(url, {
        method,
        headers: options?.headers ?? {},
        ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.body.text();
    } catch (error) {
      throw this.failed(`${endpoint} failed: ${describeCause(error)}`);
    }
    let body: T;
    try {
      body = JSON.parse(text) as T;
    } catch {
      throw this.failed(`${endpoint} answered ${response.statusCode} with a body that is not JSON`);
    }
    this.lastFailure = undefined;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { status: response.statusCode, headers, body };
  }

  private failed(message: string): AuthError {
    this.lastFailure = message;
    return new AuthError('network_error', '', message);
  }
}

function endpointOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
