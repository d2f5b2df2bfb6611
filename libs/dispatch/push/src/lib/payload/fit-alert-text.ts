/** The visible text of an alert, the part that may be shortened to fit the provider's payload limit. */
export interface AlertText {
  readonly title: string | undefined;
  readonly body: string | undefined;
}

/** APNs (non-VoIP) and FCM both refuse payloads above 4096 bytes. */
export const MAX_PAYLOAD_BYTES = 4096;

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Shortens `text` until `render(text)` (the final JSON, as it goes on the wire) is at most `maxBytes` UTF-8 bytes:
 * the body first, then (with the body gone) the title, each cut between grapheme clusters, so that no code point,
 * surrogate pair, combining sequence or emoji sequence is split, and ended with an ellipsis. Returns `undefined`
 * when even an empty alert does not fit (the rest of the payload is too large on its own).
 */
export function fitAlertText(
  text: AlertText,
  render: (text: AlertText) => string,
  maxBytes = MAX_PAYLOAD_BYTES,
): AlertText | undefined {
  const fits = (candidate: AlertText): boolean => Buffer.byteLength(render(candidate), 'utf8') <= maxBytes;
  if (fits(text)) return text;
  if (text.body) {
    const body = longestFittingPrefix(text.body, (shortened) => fits({ title: text.title, body: shortened }));
    if (body !== undefined) return { title: text.title, body };
  }
  const withoutBody: AlertText = { title: text.title, body: undefined };
  if (fits(withoutBody)) return withoutBody;
  if (text.title) {
    const title = longestFittingPrefix(text.title, (shortened) => fits({ title: shortened, body: undefined }));
    if (title !== undefined) return { title, body: undefined };
  }
  const empty: AlertText = { title: undefined, body: undefined };
  return fits(empty) ? empty : undefined;
}

/**
 * The longest `prefix + '…'` of `value` that `fits`, by binary search over grapheme clusters (the encoded size
 * only grows with the prefix). Trailing white space before the ellipsis is dropped.
 */
function longestFittingPrefix(value: string, fits: (shortened: string) => boolean): string | undefined {
  const clusters = Array.from(graphemes.segment(value), (segment) => segment.segment);
  const shortened = (count: number): string => clusters.slice(0, count).join('').trimEnd() + ELLIPSIS;
  if (!fits(shortened(0))) return undefined;
  let low = 0; // fits
  let high = clusters.length; // the whole value, which did not fit
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(shortened(middle))) low = middle;
    else high = middle;
  }
  return shortened(low);
}
