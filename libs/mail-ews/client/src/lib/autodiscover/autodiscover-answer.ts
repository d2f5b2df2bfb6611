/**
 * What one Autodiscover endpoint said about one address, SOAP or POX alike. `unusable` means "try the next
 * candidate": an error code, a document that is not an Autodiscover answer, or settings without an EWS URL.
 */
export type AutodiscoverAnswer =
  | {
      readonly kind: 'settings';
      /** `externalEwsUrl`, else `internalEwsUrl`. */
      readonly ewsUrl: string;
      readonly externalEwsUrl?: string;
      readonly internalEwsUrl?: string;
      readonly groupingInformation: string;
    }
  /** `RedirectAddress` / `redirectAddr`: start again with this address. */
  | { readonly kind: 'redirect-address'; readonly target: string }
  /** `RedirectUrl` / `redirectUrl`: ask the same thing at this URL. */
  | { readonly kind: 'redirect-url'; readonly target: string }
  /** `InvalidUser` (SOAP) or error 500 (POX): the server does not know the address. */
  | { readonly kind: 'invalid-user'; readonly detail: string }
  | {
      readonly kind: 'unusable';
      readonly detail: string;
      /** False when the body was not an Autodiscover document at all (an HTML page, a proxy's error). */
      readonly autodiscover: boolean;
    };

/** Trimmed text, or `undefined` when missing or blank. */
export function present(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
