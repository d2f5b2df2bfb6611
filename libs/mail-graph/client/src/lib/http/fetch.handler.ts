import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { describe } from './graph-error.mapper';

/**
 * graph-client's last middleware (its `HTTPMessageHandler` does the same `fetch`), except that a failed fetch keeps
 * its cause: `fetch failed` alone does not say whether the connection was refused or the certificate untrusted.
 */
export class FetchHandler implements Middleware {
  async execute(context: Context): Promise<void> {
    try {
      context.response = await fetch(context.request as string, context.options as RequestInit);
    } catch (error) {
      throw new Error(describe(error), { cause: error });
    }
  }
}
