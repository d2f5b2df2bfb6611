/**
 * A dependency that must answer before the app reports ready (`/health/ready`). Libraries that own a
 * connection (database, broker, Redis) provide one; the health module discovers every provider that
 * extends this class, so an app's readiness follows from the modules it imports.
 */
export abstract class ReadinessCheck {
  /** Short name shown in the health report, e.g. `database`. */
  abstract readonly name: string;
  /** Resolves when the dependency answers; rejects with the reason otherwise. */
  abstract check(): Promise<void>;
}
