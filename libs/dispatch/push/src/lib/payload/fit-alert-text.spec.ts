import { fitAlertText, type AlertText } from './fit-alert-text';

const render = (text: AlertText): string => JSON.stringify({ aps: { alert: text } });
const bytes = (text: AlertText): number => Buffer.byteLength(render(text), 'utf8');

/** `fitAlertText` where the test expects something to fit. */
function fit(text: AlertText, maxBytes: number): AlertText {
  const fitted = fitAlertText(text, render, maxBytes);
  if (fitted === undefined) throw new Error('nothing fits');
  return fitted;
}

describe(fitAlertText.name, () => {
  it('leaves text that fits alone', () => {
    const text = { title: 'Alice', body: 'Lunch?' };

    expect(fitAlertText(text, render, 100)).toBe(text);
  });

  it('shortens the body to the longest prefix that fits, ending in an ellipsis', () => {
    const text = { title: 'Alice', body: 'x'.repeat(5000) };

    const fitted = fit(text, 4096);

    expect(fitted.title).toBe('Alice');
    expect(fitted.body).toMatch(/^x+…$/);
    expect(bytes(fitted)).toBeLessThanOrEqual(4096);
    expect(bytes({ title: 'Alice', body: `${(fitted.body ?? '').slice(0, -1)}x…` })).toBeGreaterThan(4096);
  });

  it('measures UTF-8 bytes of the final JSON, escapes included', () => {
    const fitted = fit({ title: undefined, body: '"\\'.repeat(1000) + 'é'.repeat(1000) }, 1000);

    expect(bytes(fitted)).toBeLessThanOrEqual(1000);
    expect(bytes(fitted)).toBeGreaterThan(990);
  });

  it.each([
    ['surrogate pairs', '😀'],
    ['ZWJ emoji sequences', '👩‍👩‍👧‍👦'],
    ['flags', '🇫🇷'],
    ['combining marks', 'e\u0301'],
    ['CJK', '漢'],
  ])('never splits %s', (_name, unit) => {
    for (let limit = 60; limit < 140; limit += 1) {
      const fitted = fit({ title: 'T', body: unit.repeat(40) }, limit);
      const kept = (fitted.body ?? '').slice(0, -1);

      expect(kept.split(unit).every((rest) => rest === '')).toBe(true);
      expect(bytes(fitted)).toBeLessThanOrEqual(limit);
    }
  });

  it('drops trailing white space before the ellipsis', () => {
    const text = { title: undefined, body: `word${' '.repeat(100)}end` };

    const fitted = fit(text, 60);

    expect(fitted.body).toBe('word…');
  });

  it('shortens the title once the body is gone', () => {
    const text = { title: 'T'.repeat(300), body: 'B'.repeat(300) };

    const fitted = fit(text, 100);

    expect(fitted.body).toBeUndefined();
    expect(fitted.title).toMatch(/^T+…$/);
    expect(bytes(fitted)).toBeLessThanOrEqual(100);
  });

  it('gives up when even an empty alert does not fit', () => {
    expect(fitAlertText({ title: 'a', body: 'b' }, render, 10)).toBeUndefined();
  });
});
