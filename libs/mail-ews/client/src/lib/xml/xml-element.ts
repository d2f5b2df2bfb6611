/** One element of a parsed document: namespace, local name, attributes by local name, children and own text. */
export class XmlElement {
  readonly children: XmlElement[] = [];
  /** The element's own character data (text and CDATA), children's text excluded. */
  text = '';

  constructor(
    /** Namespace URI; empty when none. */
    readonly ns: string,
    /** The name without its prefix. */
    readonly local: string,
    /** Attributes by local name (namespace declarations left out). */
    readonly attrs: Readonly<Record<string, string>>,
  ) {}

  /** The first child named `local` (any namespace unless `ns` is given). */
  child(local: string, ns?: string): XmlElement | undefined {
    return this.children.find((element) => element.local === local && (ns === undefined || element.ns === ns));
  }

  /** Every child named `local` (any namespace unless `ns` is given), in document order. */
  all(local: string, ns?: string): XmlElement[] {
    return this.children.filter((element) => element.local === local && (ns === undefined || element.ns === ns));
  }

  /** The text of the first child named `local`, trimmed; `undefined` when there is no such child. */
  textOf(local: string): string | undefined {
    return this.child(local)?.text.trim();
  }

  /** Follows a path of local names from this element, first match at each step. */
  path(...locals: readonly string[]): XmlElement | undefined {
    return locals.reduce<XmlElement | undefined>((current, local) => current?.child(local), this);
  }

  /** Every descendant named `local`, depth first. */
  descendants(local: string): XmlElement[] {
    const found: XmlElement[] = [];
    for (const element of this.children) {
      if (element.local === local) found.push(element);
      found.push(...element.descendants(local));
    }
    return found;
  }
}
