import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { promisify } from 'node:util';
import { connect, type ChannelModel } from 'amqplib';

const run = promisify(execFile);

/** A prefix no other test run uses, valid as a bus namespace: `mt<time>_<random>`. */
export function uniqueNamespacePrefix(): string {
  return `mt${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', [...args, '-q'], { timeout: 30_000 });
  return stdout;
}

/**
 * Has the broker close (connection.close, CONNECTION_FORCED, as on a broker shutdown) every connection whose
 * `connection_name` contains `nameFragment`. Only ours: other suites may be using the broker at the same time.
 */
export async function forceCloseConnections(nameFragment: string, reason = 'test: forced close'): Promise<number> {
  const listing = await rabbitmqctl('list_connections', 'pid', 'client_properties', '--no-table-headers');
  const pids = listing
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${nameFragment}`))
    .map((line) => line.split('\t')[0] ?? '')
    .filter((pid) => pid.startsWith('<'));
  await Promise.all(pids.map((pid) => rabbitmqctl('close_connection', pid, reason)));
  return pids.length;
}

export interface QueueListing {
  readonly name: string;
  readonly type: string;
  readonly arguments: Readonly<Record<string, unknown>>;
}

export async function listQueues(prefix: string): Promise<QueueListing[]> {
  const json = await rabbitmqctl('list_queues', 'name', 'type', 'arguments', '--formatter', 'json');
  const rows = JSON.parse(json) as { name: string; type: string; arguments: unknown }[];
  return rows
    .filter((row) => row.name.startsWith(prefix))
    .map((row) => ({
      name: row.name,
      type: row.type,
      arguments: Array.isArray(row.arguments)
        ? Object.fromEntries((row.arguments as [string, string, unknown][]).map(([name, , value]) => [name, value]))
        : ((row.arguments ?? {}) as Record<string, unknown>),
    }));
}

/** Deletes every queue and exchange whose name starts with `prefix`. */
export async function deleteEverythingStartingWith(url: string, prefix: string): Promise<void> {
  const queues = (await rabbitmqctl('list_queues', 'name', '--no-table-headers')).split('\n');
  const exchanges = (await rabbitmqctl('list_exchanges', 'name', '--no-table-headers')).split('\n');
  const model = await connect(url);
  try {
    const channel = await model.createChannel();
    for (const queue of queues.map((q) => q.trim()).filter((q) => q.startsWith(prefix))) {
      await channel.deleteQueue(queue);
    }
    for (const exchange of exchanges.map((e) => e.trim()).filter((e) => e.startsWith(prefix))) {
      await channel.deleteExchange(exchange);
    }
    await channel.close();
  } finally {
    await model.close();
  }
}

/**
 * Cuts the TCP connection under an amqplib connection without any AMQP goodbye, as a reset by the network or
 * a crashed broker would (amqplib notices socket errors at once; a silent drop only by missed heartbeats).
 */
export function destroySocket(model: ChannelModel): void {
  (model.connection as unknown as { stream: Socket }).stream.destroy(new Error('test: connection reset'));
}
