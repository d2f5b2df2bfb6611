/** Escapes text for an element's content or a double-quoted attribute value. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** `<name>value</name>` with the value escaped. */
export function textElement(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

/** `<name a="v" />` with every attribute value escaped. */
export function emptyElement(name: string, attributes: Readonly<Record<string, string>>): string {
  const rendered = Object.entries(attributes)
    .map(([attribute, value]) => ` ${attribute}="${escapeXml(value)}"`)
    .join('');
  return `<${name}${rendered} />`;
}
