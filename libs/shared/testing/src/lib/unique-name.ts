import { randomBytes } from 'node:crypto';

/** A database or file name no other test run uses: `mailpush_test_<time>_<random>`. */
export function uniqueTestName(): string {
  return `mailpush_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}
