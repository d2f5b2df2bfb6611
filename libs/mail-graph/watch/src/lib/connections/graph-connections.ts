import { readFile } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { GraphClientCredential, GraphConnection } from '@mailpush/graph-client';
import { MailConnectionRepository, type Credentials, type MailConnectionEntity } from '@mailpush/persistence';
import { GraphWatchSettings } from '../graph-watch.settings';

const CACHE_TTL_MS = 60_000;

/** A connection that is missing, disabled, not Graph, or whose stored settings or credentials are incomplete. */
export class GraphConnectionError extends Error {
  override readonly name = 'GraphConnectionError';
}

/**
 * The Graph connections (`mail_connection` rows of kind `graph`) as the Graph client needs them: settings
 * read, credentials unsealed. Kept for a minute, so a rotated secret is picked up without a restart.
 */
@Injectable()
export class GraphConnections {
  private readonly cache = new Map<string, { readonly at: number; readonly connection: Promise<GraphConnection> }>();
  private caPem: Promise<string | undefined> | undefined;

  constructor(
    @Inject(MailConnectionRepository) private readonly rows: MailConnectionRepository,
    @Inject(GraphWatchSettings) private readonly settings: GraphWatchSettings,
  ) {}

  get(connectionId: string): Promise<GraphConnection> {
    const now = Date.now();
    const cached = this.cache.get(connectionId);
    if (cached !== undefined && now - cached.at < CACHE_TTL_MS) return cached.connection;
    const connection = this.load(connectionId);
    connection.catch(() => this.cache.delete(connectionId));
    this.cache.set(connectionId, { at: now, connection });
    return connection;
  }

  /** Enabled Graph connections with their domains, for adopting pending mailboxes. */
  async enabled(): Promise<readonly MailConnectionEntity[]> {
    return (await this.everyEnabled()).filter((row) => row.kind === 'graph');
  }

  /** Every enabled mail connection, Graph or EWS: which domains are claimed, and by whom. */
  async everyEnabled(): Promise<readonly MailConnectionEntity[]> {
    return (await this.rows.list()).filter((row) => row.enabled);
  }

  private async load(connectionId: string): Promise<GraphConnection> {
    const row = await this.rows.findOne(connectionId);
    if (row === null) throw new GraphConnectionError(`mail connection ${connectionId} does not exist`);
    if (row.kind !== 'graph') throw new GraphConnectionError(`mail connection ${row.name} is not a Graph connection`);
    if (!row.enabled) throw new GraphConnectionError(`mail connection ${row.name} is disabled`);
    const setting = (name: string): string => {
      const value = row.settings[name];
      if (typeof value !== 'string' || value === '') {
        throw new GraphConnectionError(`mail connection ${row.name}: settings.${name} is missing`);
      }
      return value;
    };
    const credentials = await this.rows.readCredentials(connectionId);
    if (credentials === undefined) throw new GraphConnectionError(`mail connection ${connectionId} does not exist`);
    const caPem = await this.readCa();
    return {
      id: row.id,
      tenantId: setting('tenantId'),
      clientId: setting('clientId'),
      credential: credential(row.name, credentials),
      baseUrl: setting('baseUrl'),
      authorityHost: setting('authorityHost'),
      ...(caPem === undefined ? {} : { caPem }),
    };
  }

  private readCa(): Promise<string | undefined> {
    const path = this.settings.caPath;
    this.caPem ??= path === undefined ? Promise.resolve(undefined) : readFile(path, 'utf8');
    return this.caPem;
  }
}

function credential(name: string, credentials: Credentials): GraphClientCredential {
  const { clientSecret, certificatePem, privateKeyPem } = credentials;
  if (clientSecret !== undefined) return { kind: 'secret', clientSecret };
  if (certificatePem !== undefined && privateKeyPem !== undefined) {
    return { kind: 'certificate', certificatePem, privateKeyPem };
  }
  throw new GraphConnectionError(
    `mail connection ${name}: credentials need clientSecret, or certificatePem and privateKeyPem`,
  );
}
