import { Catch, Inject, Injectable, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { RegistrationMetrics } from '../metrics/registration.metrics';
import { problemOutcome } from './problem-outcome';
import { isRegistrationApiPath } from './registration-api-paths';
import { toProblemResponse } from './to-problem';
import { requestPath, writeProblem } from './write-problem';

/**
 * Answers every error of the registration API as RFC 9457 problem details. Applied to its controllers and
 * also registered globally, because errors raised before routing (the app's JSON body parser refusing a
 * malformed or huge body, an unknown path under `/v1/registrations`) only reach global filters. Outside
 * the registration API's paths it leaves the answer to Nest's default filter.
 */
@Catch()
@Injectable()
export class RegistrationProblemFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('RegistrationApi');

  constructor(@Inject(RegistrationMetrics) private readonly metrics: RegistrationMetrics) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      super.catch(exception, host);
      return;
    }
    const request = host.switchToHttp().getRequest<Request>();
    const path = requestPath(request.originalUrl);
    if (!isRegistrationApiPath(path)) {
      super.catch(exception, host);
      return;
    }
    const answer = toProblemResponse(exception, path);
    if (answer.problem.status >= 500) {
      this.logger.error(
        `${request.method} ${path} failed: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
      );
    }
    this.metrics.record(problemOutcome(answer.problem));
    writeProblem(host.switchToHttp().getResponse<Response>(), answer);
  }
}
