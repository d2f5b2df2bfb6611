import { Controller, Get, Header, UseFilters } from '@nestjs/common';
import { registrationOpenApiDocument } from '../openapi/openapi.document';
import type { OpenApiDocument } from '../openapi/openapi.types';
import { RegistrationProblemFilter } from './registration-problem.filter';

/** `GET /v1/openapi.json`: the API's description, public like any published contract. */
@Controller('v1')
@UseFilters(RegistrationProblemFilter)
export class OpenApiController {
  @Get('openapi.json')
  @Header('Cache-Control', 'public, max-age=300')
  document(): OpenApiDocument {
    return registrationOpenApiDocument();
  }
}
