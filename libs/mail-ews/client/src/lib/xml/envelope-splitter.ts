import { SaxesParser } from 'saxes';
import { EwsError } from '../ews-api.port';
import { SOAP_NS } from './namespaces';
import type { XmlElement } from './xml-element';
import { TreeBuilder, malformed } from './xml.reader';

/** The synthetic root the envelopes are children of; never sent by a server. */
const WRAPPER = 'mailpush-envelope-stream';

/**
 * Splits a `GetStreamingEvents` body into its SOAP envelopes. Exchange sends one `Envelope` after another with no
 * separator (prefixed or not, each possibly with its own `<?xml ...?>`), and a chunk may end anywhere. The chunks
 * are fed to one incremental saxes parser after a synthetic wrapper start tag, so the envelopes are the wrapper's
 * children and each is handed out complete the moment its end tag is read. Declarations between envelopes are
 * dropped before saxes sees them (to saxes a second declaration, or one after the wrapper, is an error).
 */
export class EnvelopeSplitter {
  private readonly parser = new SaxesParser({ xmlns: true });
  private readonly builder = new TreeBuilder(1);
  private completed: XmlElement[] = [];
  private failure: EwsError | undefined;
  private ended = false;
  /** The unread end of the last chunk: a `<` or an unfinished `<?...` between envelopes. */
  private pending = '';

  constructor(private readonly what = 'GetStreamingEvents response') {
    this.builder.onComplete = (element): void => {
      if (element.local !== 'Envelope' || element.ns !== SOAP_NS) {
        this.fail(`expected a SOAP Envelope, got {${element.ns}}${element.local}`);
        return;
      }
      this.completed.push(element);
    };
    this.builder.onOuterText = (text): void => {
      if (text.trim() !== '') this.fail(`text outside any envelope: "${text.trim().slice(0, 40)}"`);
    };
    this.builder.attach(this.parser);
    this.parser.write(`<${WRAPPER}>`);
  }

  /** Feeds the next chunk; returns the envelopes it completed, in order. Throws an `EwsError` (`protocol`) once malformed. */
  push(chunk: string): XmlElement[] {
    if (this.ended) throw new EwsError('protocol', `${this.what}: data after the end`);
    this.check();
    try {
      this.feed(this.pending + chunk);
    } catch (error) {
      this.failure ??= malformed(this.what, error);
    }
    this.check();
    const completed = this.completed;
    this.completed = [];
    return completed;
  }

  /** The body ended: throws when it stopped inside an envelope (a truncated stream). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.check();
    if (this.pending !== '') this.fail(`ended inside "${this.pending.slice(0, 40)}"`);
    this.check();
    if (this.builder.open) throw (this.failure = new EwsError('protocol', `${this.what} ended inside an envelope`));
    try {
      this.parser.write(`</${WRAPPER}>`).close();
    } catch (error) {
      this.failure ??= malformed(this.what, error);
    }
    if (this.failure !== undefined) {
      this.failure = new EwsError('protocol', `${this.what} ended inside an element: ${this.failure.message}`, {
        cause: this.failure,
      });
    }
    this.check();
  }

  /** Writes `text` to saxes, leaving out processing instructions (declarations) that stand between envelopes. */
  private feed(text: string): void {
    this.pending = '';
    let from = 0;
    for (;;) {
      const start = text.indexOf('<?', from);
      if (start < 0) break;
      this.parser.write(text.slice(from, start));
      if (this.builder.open) {
        this.parser.write('<?');
        from = start + 2;
        continue;
      }
      const end = text.indexOf('?>', start + 2);
      if (end < 0) {
        this.pending = text.slice(start);
        return;
      }
      from = end + 2;
    }
    // A final `<` may begin a declaration: wait for the next chunk to tell.
    const rest = text.slice(from);
    if (rest.endsWith('<')) {
      this.parser.write(rest.slice(0, -1));
      this.pending = '<';
    } else {
      this.parser.write(rest);
    }
  }

  private fail(reason: string): void {
    this.failure ??= new EwsError('protocol', `${this.what}: ${reason}`);
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
