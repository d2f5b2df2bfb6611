import { messageIdOf } from './message-id';

describe(messageIdOf.name, () => {
  const id = 'AAMkAGUAAAwTW09AAA=';

  it('prefers resourceData.id', () => {
    expect(messageIdOf(`Users/u1/Messages/other`, id)).toBe(id);
  });

  it.each([
    [
      'the documented webhook form',
      `users/2c6f5b9a-1f1e-4c4b-9a0f-7a5d3c1e2b4f@84bd8158-6d4d-4958-8b9f-9d6445542f95/messages/${id}`,
    ],
    ['the Outlook form', `Users/2c6f5b9a-1f1e-4c4b-9a0f-7a5d3c1e2b4f/Messages/${id}`],
    ['a leading slash', `/users/u1/mailFolders('inbox')/messages/${id}`],
    ['a trailing slash', `Users/u1/Messages/${id}/`],
    ['the OData key form', `Users('u1')/Messages('${id}')`],
  ])('takes the last segment of %s without resourceData.id', (_name, resource) => {
    expect(messageIdOf(resource, undefined)).toBe(id);
  });

  it('unescapes quotes in the OData key form', () => {
    expect(messageIdOf(`Users('u1')/Messages('it''s')`, undefined)).toBe("it's");
  });

  it('ignores an empty resourceData.id', () => {
    expect(messageIdOf(`Users/u1/Messages/${id}`, '')).toBe(id);
  });

  it('is undefined when the resource names nothing', () => {
    expect(messageIdOf('', undefined)).toBeUndefined();
    expect(messageIdOf('///', undefined)).toBeUndefined();
    expect(messageIdOf(`Messages('')`, undefined)).toBeUndefined();
  });
});
