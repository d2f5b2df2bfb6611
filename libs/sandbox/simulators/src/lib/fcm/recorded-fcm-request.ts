/** One `messages:send` request the FCM simulator received, whatever it answered. */
export interface RecordedFcmRequest {
  readonly at: Date;
  /** From the URL path. */
  readonly projectId: string;
  /** `message.token`, when the message had one. */
  readonly token: string | undefined;
  readonly topic: string | undefined;
  readonly condition: string | undefined;
  /** The `message` object as received (`undefined` when the body was not JSON). */
  readonly message: unknown;
  readonly validateOnly: boolean;
  /** HTTP status answered; 0 when the request got a GOAWAY (or a dropped connection) instead. */
  readonly status: number;
  /** The FcmError `errorCode`, or Google's `status` for errors FCM sends without one (401, 403, 400 parse errors). */
  readonly errorCode: string | undefined;
  /** `projects/{p}/messages/{id}` on success. */
  readonly name: string | undefined;
  readonly httpVersion: '2.0' | '1.1';
  /** Counts connections (HTTP/2 sessions or HTTP/1.1 sockets) from 1. */
  readonly sessionId: number;
}

/** One call to the OAuth token endpoint. */
export interface RecordedTokenRequest {
  readonly at: Date;
  /** The assertion's `iss` (empty when it could not be decoded). */
  readonly clientEmail: string;
  readonly status: number;
  /** The OAuth `error` answered, e.g. `invalid_grant`. */
  readonly error: string | undefined;
  readonly scopes: readonly string[];
}
