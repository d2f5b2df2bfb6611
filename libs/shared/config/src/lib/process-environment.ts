import type { Environment } from './load-config';

/** The process environment. This library is the only code that reads it (a lint rule bans it elsewhere). */
export function processEnvironment(): Environment {
  return process.env;
}
