import { isUtf8Json } from './request-body';

describe(isUtf8Json.name, () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON; Charset="UTF-8"'])(
    'accepts %s',
    (contentType) => {
      expect(isUtf8Json(contentType)).toBe(true);
    },
  );

  it.each([
    undefined,
    'text/plain; charset=utf-8',
    'application/xml',
    'application/json; charset=iso-8859-1',
    'application/ld+json',
    'application/x-www-form-urlencoded',
  ])('refuses %s', (contentType) => {
    expect(isUtf8Json(contentType)).toBe(false);
  });
});
