import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { request, type Dispatcher } from 'undici';
import { describe } from '../http/graph-error.mapper';

/**
 * MSAL's HTTP (discovery and the token endpoint) through the connection's own undici Agent, so that the CA of a
 * simulator or TLS proxy is trusted by the authority calls exactly as by the Graph calls. msal-node 7 has no
 * agent or CA option: its default client is bare `fetch`, which trusts only Node's roots.
 */
export class UndiciNetworkClient implements INetworkModule {
  /**
   * Why the last request failed, until one succeeds. MSAL reports a failed discovery as a bare
   * `endpoints_resolution_error`; this says what was behind it (an untrusted certificate, a refused connection).
   */
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
    // The form posted to the token endpoint holds the secret or assertion: only the endpoint is ever named.
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
      throw this.failed(`${endpoint} failed: ${describe(error)}`);
    }
    let body: T;
    try {
      body = JSON.parse(text) as T;
    } catch {
      throw this.failed(`${endpoint} answered ${response.statusCode} with a body that is not JSON`);
    }
    this.lastFailure = undefined;
    return { status: response.statusCode, headers: flatHeaders(response.headers), body };
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

function flatHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
