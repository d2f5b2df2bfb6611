import type { FailedPushOutcome } from '../errors/failed-outcome';

/** A request turned into what goes on the wire, or the reason it cannot be sent at all. */
export type BuildResult<T> = { readonly built: T } | { readonly rejected: FailedPushOutcome };

/** The checks both providers make on the platform-neutral notification. */
export function notificationProblem(request: {
  readonly notification: { readonly badge?: number; readonly expiresAt: Date; readonly collapseId: string };
}): string | undefined {
  const { badge, expiresAt, collapseId } = request.notification;
  if (badge !== undefined && (!Number.isInteger(badge) || badge < 0)) {
    return `notification.badge must be a non-negative integer, got ${badge}`;
  }
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) return 'notification.expiresAt is not a date';
  if (collapseId === '') return 'notification.collapseId is empty';
  return undefined;
}
