import { clientStateMatches } from './client-state';

describe(clientStateMatches.name, () => {
  it('matches the same secret', () => {
    expect(clientStateMatches('s3cr3t-ünï', 's3cr3t-ünï')).toBe(true);
  });

  it.each([
    ['another secret of the same length', 's3cr3t-xx'],
    ['a prefix', 's3cr3t'],
    ['a longer value', 's3cr3t-ab-and-more'],
    ['another case', 'S3CR3T-AB'],
    ['an empty value', ''],
    ['no value', undefined],
  ])('refuses %s', (_name, given) => {
    expect(clientStateMatches('s3cr3t-ab', given)).toBe(false);
  });
});
