import { InitialSchema1763683200000 } from './initial-schema.migration';

/**
 * Every migration, oldest first. Listed explicitly because the apps are bundled by webpack, where a glob
 * would find nothing. A new migration is a new file here and a new line below.
 */
export const PERSISTENCE_MIGRATIONS = [InitialSchema1763683200000] as const;
