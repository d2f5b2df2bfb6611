/** `Messages('AAMk...')`: the OData key form some Outlook resources use for the last segment. */
const KEY_SEGMENT = /^[A-Za-z]+\('(.*)'\)$/;

/**
 * The message id of a change notification: `resourceData.id`, else the last segment of `resource`, whose
 * casing and shape vary (`Users/{guid}/Messages/{id}`, `users/{guid}@{tenant}/messages/{id}`,
 * `Users('{guid}')/Messages('{id}')`). `undefined` when neither names one.
 */
export function messageIdOf(resource: string, resourceDataId: string | undefined): string | undefined {
  if (resourceDataId !== undefined && resourceDataId.length > 0) return resourceDataId;
  const segments = resource.split('?', 1)[0]?.split('/') ?? [];
  let last: string | undefined;
  for (let i = segments.length - 1; i >= 0 && last === undefined; i -= 1) {
    const segment = segments[i];
    if (segment !== undefined && segment.length > 0) last = segment;
  }
  if (last === undefined) return undefined;
  const key = KEY_SEGMENT.exec(last);
  const id = key === null ? last : (key[1] ?? '').replace(/''/g, "'");
  return id.length > 0 ? id : undefined;
}
