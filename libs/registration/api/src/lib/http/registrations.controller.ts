import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { AuthenticatedCaller } from '../auth/authenticated-caller.decorator';
import type { Caller } from '../auth/caller';
import { CallerGuard } from '../auth/caller.guard';
import { RegistrationMetrics } from '../metrics/registration.metrics';
import { RegistrationService } from '../registrations/registration.service';
import { parseRequest } from '../validation/parse-request';
import { RegisterDeviceSchema, UpdateSettingsSchema } from '../validation/registration-request.schemas';
import type { RegistrationView } from '../validation/registration-response.schemas';
import { RegistrationProblemFilter } from './registration-problem.filter';

/** The device registration API (**contract**): a thin adapter over `RegistrationService`. */
@Controller('v1/registrations')
@UseGuards(CallerGuard)
@UseFilters(RegistrationProblemFilter)
export class RegistrationsController {
  constructor(
    @Inject(RegistrationService) private readonly registrations: RegistrationService,
    @Inject(RegistrationMetrics) private readonly metrics: RegistrationMetrics,
  ) {}

  /** 201 with `Location` for a new device, 200 for a refresh of a known one. */
  @Post()
  @Header('Cache-Control', 'no-store')
  async register(
    @AuthenticatedCaller() caller: Caller,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RegistrationView> {
    const { outcome, registration } = await this.registrations.register(
      caller,
      parseRequest(RegisterDeviceSchema, body),
    );
    this.metrics.record(outcome);
    if (outcome === 'created') {
      response.status(201).location(`/v1/registrations/${registration.id}`);
    } else {
      response.status(200);
    }
    return registration;
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  async list(@AuthenticatedCaller() caller: Caller): Promise<{ items: RegistrationView[] }> {
    return { items: await this.registrations.list(caller) };
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  get(@AuthenticatedCaller() caller: Caller, @Param('id') id: string): Promise<RegistrationView> {
    return this.registrations.get(caller, id);
  }

  @Put(':id/settings')
  @Header('Cache-Control', 'no-store')
  async updateSettings(
    @AuthenticatedCaller() caller: Caller,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<RegistrationView> {
    const registration = await this.registrations.updateSettings(caller, id, parseRequest(UpdateSettingsSchema, body));
    this.metrics.record('settings_updated');
    return registration;
  }

  @Delete(':id')
  @HttpCode(204)
  async unregister(@AuthenticatedCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.registrations.unregister(caller, id);
    this.metrics.record('deleted');
  }
}
