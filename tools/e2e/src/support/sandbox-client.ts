import { randomBytes } from 'node:crypto';

/** What the e2e suites read back from the registration API and the simulators. */
export interface Registration {
  readonly id: string;
  readonly status: string;
  readonly platform: string;
}
export interface ApnsRecord {
  readonly token: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly payload: { aps: { alert?: { title?: string; body?: string }; badge?: number } } & Record<string, unknown>;
}
export interface FcmRecord {
  readonly token: string;
  readonly status: number;
  readonly errorCode?: string;
  readonly message: {
    notification?: { title?: string; body?: string };
    data?: Record<string, string>;
    android?: { priority?: string; collapse_key?: string; notification?: { notification_count?: number } };
  };
}

export const APP_ID = 'com.example.mail';
export const apnsToken = (prefix = ''): string => (prefix + randomBytes(32).toString('hex')).slice(0, 64);
export const fcmToken = (prefix = ''): string => `${prefix}${randomBytes(40).toString('base64url')}:APA91b`;

/** The body of a response that must have `status`; throws with the body otherwise. */
export async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${text}`);
  return (text.length === 0 ? undefined : JSON.parse(text)) as T;
}

/** Polls `probe` every 100 ms until it returns something. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** A device's view of the registration API and the simulators, as the walk-through uses them. */
export class SandboxClient {
  constructor(
    private readonly apiUrl: string,
    private readonly sandboxUrl: string,
  ) {}

  async tokenFor(upn: string): Promise<string> {
    return (await json<{ token: string }>(await postJson(`${this.sandboxUrl}/sandbox/oidc/tokens`, { upn }), 201))
      .token;
  }

  async register(bearer: string, body: Record<string, unknown>): Promise<Registration> {
    const response = await postJson(
      `${this.apiUrl}/v1/registrations`,
      { appId: APP_ID, environment: 'sandbox', ...body },
      { authorization: `Bearer ${bearer}` },
    );
    return json<Registration>(response, 201);
  }

  async registrations(bearer: string): Promise<readonly Registration[]> {
    const response = await fetch(`${this.apiUrl}/v1/registrations`, { headers: { authorization: `Bearer ${bearer}` } });
    return (await json<{ items: Registration[] }>(response, 200)).items;
  }

  async unregister(bearer: string, registrationId: string): Promise<void> {
    const response = await fetch(`${this.apiUrl}/v1/registrations/${registrationId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${bearer}` },
    });
    await json(response, 204);
  }

  async apnsRequests(token: string): Promise<readonly ApnsRecord[]> {
    return json<ApnsRecord[]>(await fetch(`${this.sandboxUrl}/sandbox/apns/requests?token=${token}`), 200);
  }

  async fcmRequests(token: string): Promise<readonly FcmRecord[]> {
    const url = `${this.sandboxUrl}/sandbox/fcm/requests?token=${encodeURIComponent(token)}`;
    return json<FcmRecord[]>(await fetch(url), 200);
  }

  async script(provider: 'apns' | 'fcm', body: Record<string, unknown>): Promise<void> {
    await json(await postJson(`${this.sandboxUrl}/sandbox/${provider}/scripts`, body), 201);
  }

  /** A POST to the sandbox control API that must answer `status`. */
  async control<T>(path: string, body: unknown, status: number): Promise<T> {
    return json<T>(await postJson(`${this.sandboxUrl}/sandbox/${path}`, body), status);
  }

  async read<T>(path: string): Promise<T> {
    return json<T>(await fetch(`${this.sandboxUrl}/sandbox/${path}`), 200);
  }
}
