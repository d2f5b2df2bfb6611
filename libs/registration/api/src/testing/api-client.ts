export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, `undefined` when there is none. */
  readonly body: unknown;
  readonly text: string;
}

export interface RequestOptions {
  readonly token?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is (a string) or as JSON (anything else). */
  readonly body?: unknown;
}

/** A small HTTP client over `fetch` for a running API: real sockets, no supertest. */
export class ApiClient {
  constructor(private readonly baseUrl: string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    const isJson = /json/.test(response.headers.get('content-type') ?? '');
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: isJson && text ? (JSON.parse(text) as unknown) : undefined,
    };
  }

  get(path: string, token?: string): Promise<ApiResponse> {
    return this.request('GET', path, { token });
  }

  post(path: string, body: unknown, token?: string): Promise<ApiResponse> {
    return this.request('POST', path, { token, body });
  }

  put(path: string, body: unknown, token?: string): Promise<ApiResponse> {
    return this.request('PUT', path, { token, body });
  }

  delete(path: string, token?: string): Promise<ApiResponse> {
    return this.request('DELETE', path, { token });
  }
}
