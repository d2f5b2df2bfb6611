import type { RegistrationOutcome } from '../metrics/registration.metrics';
import type { Problem } from './problem';

/** The metric outcome of a request answered with a problem. */
export function problemOutcome(problem: Problem): RegistrationOutcome {
  switch (problem.status) {
    case 400:
      return 'invalid';
    case 401:
      return 'unauthorized';
    case 404:
      return 'not_found';
    case 413:
    case 415:
      return 'rejected_body';
    case 429:
      return 'rate_limited';
    case 503:
      return 'unavailable';
    default:
      return 'error';
  }
}
