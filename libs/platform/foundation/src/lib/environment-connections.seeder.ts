import { readFile } from 'node:fs/promises';
import { Logger, type OnModuleInit } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { MailConnectionRepository, type Credentials } from '@mailpush/persistence';

/** The name of the mail connection the GRAPH_* variables describe. */
export const ENVIRONMENT_GRAPH_CONNECTION = 'environment-graph';
/** The name of the mail connection the EWS_* variables describe. */
export const ENVIRONMENT_EWS_CONNECTION = 'environment-ews';

/**
 * Seeds the mail connections the environment describes (GRAPH_*, EWS_*) into `mail_connection` at every
 * boot, so that the registration API routes their domains and the watchers find their credentials in one
 * place, beside the connections the admin API adds. Runs before any feature module starts.
 */
export class EnvironmentConnectionsSeeder implements OnModuleInit {
  private readonly logger = new Logger(EnvironmentConnectionsSeeder.name);

  constructor(
    private readonly config: MailpushConfig,
    private readonly connections: MailConnectionRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.seedGraph();
    await this.seedEws();
  }

  private async seedEws(): Promise<void> {
    // Without EWS_URL or EWS_AUTODISCOVER_* Autodiscover starts from each mailbox's own domain.
    const ews = this.config.ews;
    if (ews.username === undefined) return;
    const password = ews.password?.reveal();
    if (password === undefined) throw new Error('EWS_PASSWORD is required with EWS_USERNAME');
    const credentials: Credentials =
      ews.auth === 'oauth'
        ? { auth: 'oauth', username: ews.username, password, tenantId: ews.tenantId ?? '' }
        : { auth: ews.auth, username: ews.username, password };
    const settings: Record<string, string> = { authorityHost: ews.authorityHost };
    if (ews.url !== undefined) settings['ewsUrl'] = ews.url;
    if (ews.autodiscoverUrl !== undefined) settings['autodiscoverUrl'] = ews.autodiscoverUrl;
    if (ews.autodiscoverDomain !== undefined) settings['autodiscoverDomain'] = ews.autodiscoverDomain;
    const row = await this.connections.saveByName({
      kind: 'ews',
      name: ENVIRONMENT_EWS_CONNECTION,
      domains: ews.mailDomains,
      credentials,
      settings,
    });
    this.logger.log(
      `EWS connection ${row.name} (${row.id}, ${ews.auth}) for ${ews.mailDomains.join(', ')} seeded from the environment`,
    );
  }

  private async seedGraph(): Promise<void> {
    const graph = this.config.graph;
    if (graph.tenantId === undefined || graph.clientId === undefined) return;
    const credentials = await this.graphCredentials();
    const row = await this.connections.saveByName({
      kind: 'graph',
      name: ENVIRONMENT_GRAPH_CONNECTION,
      domains: graph.mailDomains,
      credentials,
      settings: {
        tenantId: graph.tenantId,
        clientId: graph.clientId,
        baseUrl: graph.baseUrl,
        authorityHost: graph.authorityHost,
      },
    });
    this.logger.log(
      `Graph connection ${row.name} (${row.id}) for ${graph.mailDomains.join(', ')} seeded from the environment`,
    );
  }

  private async graphCredentials(): Promise<Credentials> {
    const { clientSecret, clientCertPath } = this.config.graph;
    if (clientSecret !== undefined) return { clientSecret: clientSecret.reveal() };
    if (clientCertPath === undefined) throw new Error('GRAPH_CLIENT_SECRET or GRAPH_CLIENT_CERT_PATH is required');
    const pem = await readFile(clientCertPath, 'utf8').catch((error: unknown) => {
      throw new Error(`GRAPH_CLIENT_CERT_PATH: cannot read ${clientCertPath} (${(error as Error).message})`);
    });
    const certificatePem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    const privateKeyPem = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/.exec(
      pem,
    )?.[0];
    if (certificatePem === undefined || privateKeyPem === undefined) {
      throw new Error(`GRAPH_CLIENT_CERT_PATH: ${clientCertPath} must hold the certificate and its private key (PEM)`);
    }
    return { certificatePem, privateKeyPem };
  }
}
