import type { Config } from 'jest';
import { getJestProjectsAsync } from '@nx/jest';

export default async (): Promise<Config> => ({
  projects: await getJestProjectsAsync(),
  // A global option: a project's own `testTimeout` is ignored when Jest runs several projects at once.
  testTimeout: 60_000,
});
