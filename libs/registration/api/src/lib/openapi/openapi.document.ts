import { z } from 'zod';
import { DeviceSettingsSchema } from '@mailpush/contracts';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES } from '../http/problem';
import { RegisterDeviceSchema } from '../validation/registration-request.schemas';
import { ProblemSchema, RegistrationListSchema, RegistrationSchema } from '../validation/registration-response.schemas';
import type { JsonSchema, OpenApiDocument, OpenApiOperation, ResponseOrRef } from './openapi.types';

const ref = (kind: 'schemas' | 'responses' | 'headers' | 'parameters', name: string): { readonly $ref: string } => ({
  $ref: `#/components/${kind}/${name}`,
});

/**
 * Component schemas generated from the zod schemas the API validates with, so the document cannot drift
 * from the code. Request bodies are described as accepted (`io: input`: defaults make fields optional),
 * responses as sent. Rules zod cannot express (the push token per platform, time zones) are in the texts.
 */
function componentSchemas(): Record<string, JsonSchema> {
  const requests = z.registry<{ id: string }>();
  requests.add(RegisterDeviceSchema, { id: 'RegisterDeviceRequest' });
  requests.add(DeviceSettingsSchema, { id: 'DeviceSettings' });
  const responses = z.registry<{ id: string }>();
  responses.add(RegistrationSchema, { id: 'Registration' });
  responses.add(RegistrationListSchema, { id: 'RegistrationList' });
  responses.add(ProblemSchema, { id: 'Problem' });
  responses.add(DeviceSettingsSchema, { id: 'DeviceSettings' });
  const options = { target: 'draft-2020-12', uri: (id: string) => ref('schemas', id).$ref } as const;
  const generated = {
    ...z.toJSONSchema(responses, { ...options, io: 'output' }).schemas,
    ...z.toJSONSchema(requests, { ...options, io: 'input' }).schemas,
  };
  return Object.fromEntries(
    Object.entries(generated).map(([name, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [name, rest];
    }),
  );
}

const json = (schema: string): { readonly 'application/json': { readonly schema: JsonSchema } } => ({
  'application/json': { schema: ref('schemas', schema) },
});

const registrationResponse = (description: string): ResponseOrRef => ({ description, content: json('Registration') });

/** Answers every authenticated operation can give. */
const COMMON_ERRORS: Readonly<Record<string, ResponseOrRef>> = {
  '401': ref('responses', 'Unauthorized'),
  '429': ref('responses', 'RateLimited'),
  '500': ref('responses', 'InternalError'),
};
const BODY_ERRORS: Readonly<Record<string, ResponseOrRef>> = {
  '400': ref('responses', 'BadRequest'),
  '413': ref('responses', 'PayloadTooLarge'),
  '415': ref('responses', 'UnsupportedMediaType'),
};

function operation(spec: Omit<OpenApiOperation, 'tags'>): OpenApiOperation {
  return { tags: ['registrations'], ...spec, responses: { ...spec.responses, ...COMMON_ERRORS } };
}

function problemResponse(
  description: string,
  headers: Record<string, { readonly $ref: string }> = {},
): {
  readonly description: string;
  readonly headers: Record<string, { readonly $ref: string }>;
  readonly content: Record<string, { readonly schema: JsonSchema }>;
} {
  return { description, headers, content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('schemas', 'Problem') } } };
}

function buildDocument(): OpenApiDocument {
  const problemTypes = Object.values(PROBLEM_TYPES)
    .map((p) => `- \`${p.type}\` (${p.status}): ${p.title}`)
    .join('\n');
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'mailpush device registration API',
      version: '1.0.0',
      description:
        "Devices register for push notifications on their user's mailbox. Every operation acts on the mailbox " +
        'named by the bearer token (the first present claim of AUTH_MAILBOX_CLAIMS); registrations of other ' +
        'mailboxes are answered 404, exactly as unknown ones. Registrations expire after REGISTRATION_TTL_DAYS ' +
        'without a refresh (POST again with the same deviceId).\n\nErrors are RFC 9457 problem details ' +
        `(\`${PROBLEM_CONTENT_TYPE}\`) of these types:\n${problemTypes}`,
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/registrations': {
        post: operation({
          operationId: 'register',
          summary: 'Register this device, or refresh its registration',
          description:
            'Creates the registration (201), or renews the existing one of the same deviceId (200, same id): ' +
            'token, app, environment, locale, settings when given, and expiry. pushToken must be 64-200 hex ' +
            'characters for ios, 1-4096 of A-Z a-z 0-9 - _ : . for android.',
          requestBody: { required: true, content: json('RegisterDeviceRequest') },
          responses: {
            '201': {
              ...registrationResponse('Registered'),
              headers: { Location: { description: 'The new registration', schema: { type: 'string' } } },
            },
            '200': registrationResponse('Registration refreshed'),
            ...BODY_ERRORS,
            '503': ref('responses', 'Unavailable'),
          },
        }),
        get: operation({
          operationId: 'listRegistrations',
          summary: "The caller's registrations",
          responses: { '200': { description: 'Registrations of the mailbox', content: json('RegistrationList') } },
        }),
      },
      '/v1/registrations/{id}': {
        get: operation({
          operationId: 'getRegistration',
          summary: 'One registration',
          parameters: [ref('parameters', 'RegistrationId')],
          responses: { '200': registrationResponse('The registration'), '404': ref('responses', 'NotFound') },
        }),
        delete: operation({
          operationId: 'unregister',
          summary: 'Unregister; the mailbox stops being watched when its last registration goes',
          parameters: [ref('parameters', 'RegistrationId')],
          responses: {
            '204': { description: 'Deleted' },
            '404': ref('responses', 'NotFound'),
            '503': ref('responses', 'Unavailable'),
          },
        }),
      },
      '/v1/registrations/{id}/settings': {
        put: operation({
          operationId: 'updateSettings',
          summary: 'Replace the notification settings of a registration',
          description: 'quietHours.timeZone must be an IANA time zone such as Europe/Berlin.',
          parameters: [ref('parameters', 'RegistrationId')],
          requestBody: { required: true, content: json('DeviceSettings') },
          responses: {
            '200': registrationResponse('Settings replaced'),
            ...BODY_ERRORS,
            '404': ref('responses', 'NotFound'),
            '503': ref('responses', 'Unavailable'),
          },
        }),
      },
      '/v1/openapi.json': {
        get: {
          operationId: 'openApiDocument',
          summary: 'This document',
          tags: ['meta'],
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: {} } } } },
        },
      },
    },
    components: {
      schemas: componentSchemas(),
      parameters: {
        RegistrationId: {
          name: 'id',
          in: 'path',
          required: true,
          description: 'Registration id',
          schema: { type: 'string' },
        },
      },
      headers: {
        RetryAfter: { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
        WwwAuthenticate: {
          description: 'Bearer realm="mailpush", error="invalid_token", error_description="…" (RFC 6750)',
          schema: { type: 'string' },
        },
      },
      responses: {
        BadRequest: problemResponse('Invalid request: `errors` names every invalid field; or malformed JSON'),
        Unauthorized: problemResponse(
          'No bearer token, or one that is invalid, expired, or for another issuer or audience',
          {
            'WWW-Authenticate': ref('headers', 'WwwAuthenticate'),
          },
        ),
        NotFound: problemResponse('This mailbox has no registration with that id'),
        PayloadTooLarge: problemResponse('The body exceeds REGISTRATION_BODY_LIMIT_BYTES'),
        UnsupportedMediaType: problemResponse('The body is not application/json in UTF-8'),
        RateLimited: problemResponse('Over REGISTRATION_RATE_LIMIT_PER_MINUTE for this mailbox (or address)', {
          'Retry-After': ref('headers', 'RetryAfter'),
        }),
        InternalError: problemResponse('Unexpected error'),
        Unavailable: problemResponse(
          'The change could not be handed to the message bus (nothing was stored), or tokens cannot be verified',
          { 'Retry-After': ref('headers', 'RetryAfter') },
        ),
      },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "A JWT of the organisation's identity provider (RS256, ES256 or PS256), verified against AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE",
        },
      },
    },
  };
}

let document: OpenApiDocument | undefined;

/** The OpenAPI 3.1 document of the registration API, served at `GET /v1/openapi.json`. Built once. */
export function registrationOpenApiDocument(): OpenApiDocument {
  document ??= buildDocument();
  return document;
}
