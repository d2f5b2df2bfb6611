import type { EwsConnection } from '../ews-api.port';

/** Where a mailbox's EWS lives, as Autodiscover answered. */
export interface AutodiscoverResult {
  /** The address asked for, or the one a `RedirectAddress` led to. Lower case. */
  readonly smtpAddress: string;
  /** The EWS URL to use: `ExternalEwsUrl`, else `InternalEwsUrl`. */
  readonly ewsUrl: string;
  readonly externalEwsUrl?: string;
  readonly internalEwsUrl?: string;
  /** `GroupingInformation`; empty when the server gives none (Exchange 2010, POX without it). */
  readonly groupingInformation: string;
  /** The Autodiscover URL that answered. */
  readonly answeredBy: string;
  /** `soap` (GetUserSettings) or `pox` (the Outlook schema). */
  readonly protocol: 'soap' | 'pox' | 'configured';
}

/** Where to look, beyond the mailbox's own domain; from `EWS_URL`, `EWS_AUTODISCOVER_URL`, `EWS_AUTODISCOVER_DOMAIN`. */
export interface AutodiscoverOverrides {
  /** A fixed EWS URL: no Autodiscover at all (no GroupingInformation either). */
  readonly ewsUrl?: string;
  /** Ask this Autodiscover endpoint (`.svc` SOAP or `.xml` POX) first, and only it. */
  readonly autodiscoverUrl?: string;
  /** Use this domain's candidates instead of the mailbox's own domain. */
  readonly domain?: string;
}

export type AutodiscoverErrorKind =
  /** No candidate answered with settings. */
  | 'not-found'
  /** More than 10 redirects, or a redirect loop. */
  | 'redirect-limit'
  /** Every candidate refused the credentials. */
  | 'auth'
  /** The user is unknown to Exchange (`InvalidUser`). */
  | 'invalid-user';

export class AutodiscoverError extends Error {
  constructor(
    readonly kind: AutodiscoverErrorKind,
    message: string,
    /** What each candidate answered, in the order tried (for logs and `watch_error`). */
    readonly attempts: readonly string[] = [],
  ) {
    super(message);
    this.name = 'AutodiscoverError';
  }
}

/** Finds a mailbox's EWS URL and GroupingInformation. Implementations cache and refresh results. */
export abstract class Autodiscover {
  abstract discover(
    connection: EwsConnection,
    smtpAddress: string,
    overrides?: AutodiscoverOverrides,
  ): Promise<AutodiscoverResult>;

  /** Drops a cached answer (after `ErrorProxyRequestNotAllowed`, `ErrorReadEventsFailed`). */
  abstract forget(smtpAddress: string): void;
}
