import type { DatabaseTarget } from '@mailpush/config';

/** A database created for one test run, and the way to remove it again. */
export interface ThrowawayDatabase {
  /** As `DATABASE_URL` would hold it. */
  readonly url: string;
  readonly target: DatabaseTarget;
  drop(): Promise<void>;
}
