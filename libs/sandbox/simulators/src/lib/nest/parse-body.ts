import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/** `tokenPrefix`, `items[2].name`: how a zod path is shown to the caller. */
function fieldName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const segment of path) {
    if (typeof segment === 'number') name += `[${segment}]`;
    else name += name.length === 0 ? String(segment) : `.${String(segment)}`;
  }
  return name.length === 0 ? 'body' : name;
}

/** The parsed body, or a 400 whose `message` lists one `field: problem` line per invalid field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const message = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => `${fieldName([...issue.path, key])}: is not a known field`)
      : [`${fieldName(issue.path)}: ${issue.message}`],
  );
  throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message });
}
