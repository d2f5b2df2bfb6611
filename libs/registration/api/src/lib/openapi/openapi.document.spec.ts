import { PROBLEM_TYPES } from '../http/problem';
import { registrationOpenApiDocument } from './openapi.document';

describe(registrationOpenApiDocument.name, () => {
  const sut = registrationOpenApiDocument();

  it('describes every endpoint of the API as OpenAPI 3.1', () => {
    expect(sut.openapi).toBe('3.1.0');
    expect(
      Object.fromEntries(Object.entries(sut.paths).map(([path, item]) => [path, Object.keys(item).sort()])),
    ).toEqual({
      '/v1/registrations': ['get', 'post'],
      '/v1/registrations/{id}': ['delete', 'get'],
      '/v1/registrations/{id}/settings': ['put'],
      '/v1/openapi.json': ['get'],
    });
  });

  it('has every schema it refers to, generated from the validation schemas', () => {
    const text = JSON.stringify(sut);
    const refs = new Set([...text.matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)].map((m) => `${m[1]}/${m[2]}`));

    for (const target of refs) {
      const [kind, name] = target.split('/') as [keyof typeof sut.components, string];
      expect(sut.components[kind]).toHaveProperty(name);
    }
    expect(Object.keys(sut.components.schemas).sort()).toEqual([
      'DeviceSettings',
      'Problem',
      'RegisterDeviceRequest',
      'Registration',
      'RegistrationList',
    ]);
    expect(sut.components.schemas['RegisterDeviceRequest']).toMatchObject({
      required: ['deviceId', 'platform', 'pushToken', 'appId'],
      properties: { platform: { enum: ['ios', 'android'] }, settings: { $ref: '#/components/schemas/DeviceSettings' } },
    });
  });

  it('requires the bearer scheme everywhere but on the document itself', () => {
    expect(sut.security).toEqual([{ bearer: [] }]);
    expect(sut.components.securitySchemes['bearer']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(sut.paths['/v1/openapi.json']?.get?.security).toEqual([]);
  });

  it('lists every problem type', () => {
    for (const { type } of Object.values(PROBLEM_TYPES)) expect(sut.info.description).toContain(type);
  });
});
