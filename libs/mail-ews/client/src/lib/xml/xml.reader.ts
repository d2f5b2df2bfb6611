import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { EwsError } from '../ews-api.port';
import { XmlElement } from './xml-element';

/** Parses a whole document into an element tree. Malformed XML is an `EwsError` of kind `protocol`. */
export function parseXml(text: string, what = 'XML document'): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const builder = new TreeBuilder();
  let root: XmlElement | undefined;
  builder.onComplete = (element): void => {
    root = element;
  };
  builder.attach(parser);
  try {
    parser.write(text).close();
  } catch (error) {
    throw malformed(what, error);
  }
  if (root === undefined) throw new EwsError('protocol', `${what} has no root element`);
  return root;
}

/** Builds `XmlElement`s from saxes events; elements at `baseDepth` are reported complete as they close. */
export class TreeBuilder {
  onComplete: (element: XmlElement) => void = () => undefined;
  /** Called for character data outside any complete-able element (between envelopes). */
  onOuterText: (text: string) => void = () => undefined;
  private readonly stack: XmlElement[] = [];
  private outerDepth = 0;

  /** `baseDepth`: how many wrapper elements enclose the elements to report (0 for a plain document). */
  constructor(private readonly baseDepth = 0) {}

  /** Inside an element to report (not between them). */
  get open(): boolean {
    return this.stack.length > 0;
  }

  /** Depth of the parser's current element counting wrappers. */
  get depth(): number {
    return this.outerDepth + this.stack.length;
  }

  attach(parser: SaxesParser<{ xmlns: true }>): void {
    parser.on('opentag', (tag) => this.openTag(tag));
    parser.on('closetag', () => this.closeTag());
    parser.on('text', (text) => this.addText(text));
    parser.on('cdata', (text) => this.addText(text));
  }

  private openTag(tag: SaxesTagNS): void {
    if (this.outerDepth < this.baseDepth) {
      this.outerDepth += 1;
      return;
    }
    const element = new XmlElement(tag.uri, tag.local, attributesOf(tag.attributes));
    this.stack.at(-1)?.children.push(element);
    this.stack.push(element);
  }

  private closeTag(): void {
    const element = this.stack.pop();
    if (element === undefined) {
      this.outerDepth -= 1;
      return;
    }
    if (this.stack.length === 0) this.onComplete(element);
  }

  private addText(text: string): void {
    const current = this.stack.at(-1);
    if (current === undefined) this.onOuterText(text);
    else current.text += text;
  }
}

function attributesOf(attributes: Record<string, SaxesAttributeNS>): Record<string, string> {
  const byLocal: Record<string, string> = {};
  for (const attribute of Object.values(attributes)) {
    if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
    byLocal[attribute.local] = attribute.value;
  }
  return byLocal;
}

/** The `protocol` error for XML saxes refused; saxes's message names the line, column and what was wrong. */
export function malformed(what: string, cause: unknown): EwsError {
  if (cause instanceof EwsError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new EwsError('protocol', `${what} is not well-formed XML: ${reason}`, { cause });
}
