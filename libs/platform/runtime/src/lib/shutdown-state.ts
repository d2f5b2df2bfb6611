import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/** Flips to "shutting down" before the HTTP server closes, so readiness fails while in-flight work drains. */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private shuttingDown = false;

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }
}
