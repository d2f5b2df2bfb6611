import { InitialSchema1763683200000 } from './initial-schema.migration';
import { MailboxWatchState1763856000000 } from './mailbox-watch-state.migration';

/**
 * Every migration, oldest first. Listed explicitly because the apps are bundled by webpack, where a glob
 * would find nothing. A new migration is a new file here and a new line below.
 */
export const PERSISTENCE_MIGRATIONS = [InitialSchema1763683200000, MailboxWatchState1763856000000] as const;
