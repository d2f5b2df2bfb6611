import { ScriptBook } from './script-book';

describe(ScriptBook.name, () => {
  let sut: ScriptBook<{ name: string; times?: number }>;

  beforeEach(() => {
    sut = new ScriptBook();
  });

  it('answers with the longest matching prefix, and the empty prefix matches every token', () => {
    sut.set('', { name: 'any' });
    sut.set('ab', { name: 'ab' });
    sut.set('abc', { name: 'abc' });

    expect(sut.take('abcd')?.name).toBe('abc');
    expect(sut.take('abx')?.name).toBe('ab');
    expect(sut.take('zz')?.name).toBe('any');
  });

  it('uses a script `times` times, then falls back to the next longest prefix', () => {
    sut.set('a', { name: 'short' });
    sut.set('ab', { name: 'long', times: 2 });

    expect(['abc', 'abc', 'abc'].map((token) => sut.take(token)?.name)).toEqual(['long', 'long', 'short']);
  });

  it('answers nothing when no prefix matches, or after clear', () => {
    sut.set('ab', { name: 'ab' });

    expect(sut.take('ba')).toBeUndefined();
    sut.clear();
    expect(sut.take('ab')).toBeUndefined();
  });

  it.each([0, -1, 1.5])('refuses times = %d', (times) => {
    expect(() => sut.set('a', { name: 'x', times })).toThrow(/times: must be a positive whole number/);
  });
});
