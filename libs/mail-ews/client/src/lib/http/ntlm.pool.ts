import { EwsError } from '../ews-api.port';
import type { NtlmConnection } from './ntlm.connection';

/**
 * The signed-in NTLM connections to one origin of one mail connection: at most `size` in use at once, the rest
 * of the callers queued; idle ones are kept for the next call so that the handshake is paid once per socket.
 * A streaming request takes one out of the pool for good (`dedicated`), outside the limit.
 */
export class NtlmPool {
  private readonly idle: NtlmConnection[] = [];
  private readonly waiting: Array<{ resolve: (connection: NtlmConnection) => void; reject: (e: Error) => void }> = [];
  /** Every connection not yet destroyed, in use, idle or dedicated: `close` ends them all. */
  private readonly open = new Set<NtlmConnection>();
  private inUse = 0;
  private closed = false;

  constructor(
    private readonly create: () => NtlmConnection,
    private readonly size: number,
  ) {}

  /** A connection for one request; give it back with `release`. */
  acquire(signal: AbortSignal): Promise<NtlmConnection> {
    if (this.closed) return Promise.reject(new EwsError('unavailable', 'the EWS HTTP client is closed'));
    const idle = this.idle.pop();
    if (idle !== undefined) {
      this.inUse += 1;
      return Promise.resolve(idle);
    }
    if (this.inUse < this.size) {
      this.inUse += 1;
      return Promise.resolve(this.make());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (connection: NtlmConnection): void => {
          signal.removeEventListener('abort', onAbort);
          resolve(connection);
        },
        reject,
      };
      const onAbort = (): void => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** Gives back a connection from `acquire`; one whose response was not read to the end is closed. */
  release(connection: NtlmConnection, reusable: boolean): void {
    if (!reusable || this.closed) this.drop(connection);
    const waiter = this.waiting.shift();
    if (waiter !== undefined) {
      waiter.resolve(reusable && !this.closed ? connection : this.make());
      return;
    }
    this.inUse -= 1;
    if (reusable && !this.closed) this.idle.push(connection);
  }

  /** A connection of its own for a long-lived request: an idle signed-in one if there is one, else a new one. */
  dedicated(): NtlmConnection {
    if (this.closed) throw new EwsError('unavailable', 'the EWS HTTP client is closed');
    return this.idle.pop() ?? this.make();
  }

  /** Ends a connection from `dedicated` (its stream is over). */
  drop(connection: NtlmConnection): void {
    this.open.delete(connection);
    void connection.destroy();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0))
      waiter.reject(new EwsError('unavailable', 'the EWS HTTP client closed'));
    this.idle.length = 0;
    const open = [...this.open];
    this.open.clear();
    await Promise.all(open.map((connection) => connection.destroy()));
  }

  private make(): NtlmConnection {
    const connection = this.create();
    this.open.add(connection);
    return connection;
  }
}
