import { parseRetryAfter } from './retry-after';

describe(parseRetryAfter.name, () => {
  const now = new Date('2015-10-21T07:27:00Z');

  it.each<[string | undefined, number | undefined]>([
    ['120', 120_000],
    [' 0 ', 0],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 60_000],
    ['Wednesday, 21-Oct-15 07:28:00 GMT', 60_000],
    ['Wed, 21 Oct 2015 07:00:00 GMT', 0],
    ['1.5', undefined],
    ['-5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %p as %p ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it('reads the first of repeated headers', () => {
    expect(parseRetryAfter(['5', '10'], now)).toBe(5000);
  });
});
