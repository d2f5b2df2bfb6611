/** One request the APNs simulator received, whatever it answered. */
export interface RecordedApnsRequest {
  readonly at: Date;
  /** The device token from the path (empty when the path had none). */
  readonly token: string;
  /** Every header including pseudo-headers; `authorization` keeps only its scheme and the JWT's first characters. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, or `undefined` when it was empty or not JSON. */
  readonly payload: unknown;
  readonly rawBody: string;
  /** The HTTP status answered; 0 when the request got a GOAWAY instead of an answer. */
  readonly status: number;
  /** The `reason` answered (or the GOAWAY reason); `undefined` on success. */
  readonly reason: string | undefined;
  readonly apnsId: string;
  /** The provider token's claims, when it could be decoded (whether or not it verified). */
  readonly jwt: { readonly kid: string; readonly iss: string; readonly iat: number } | undefined;
  /** Counts HTTP/2 connections from 1, so a test can see whether a client reuses its connection. */
  readonly sessionId: number;
}
