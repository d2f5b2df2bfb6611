import { readFile } from 'node:fs/promises';
import type { MailpushConfig } from '@mailpush/config';
import { loadEncryptionCertificate } from './encryption-certificate';
import { JoseRichNotificationReader } from './jose-rich-notification.reader';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The reader for the environment's Graph connection, or `undefined` when rich notifications are off. Tokens
 * must name `GRAPH_CLIENT_ID`; a GUID `GRAPH_TENANT_ID` pins the issuer's tenant (`common`, `organizations` or
 * none accept any tenant). Keys are fetched from `GRAPH_AUTHORITY_HOST`, trusting `GRAPH_CA_PATH` as well.
 */
export async function createRichNotificationReader(
  graph: MailpushConfig['graph'],
): Promise<JoseRichNotificationReader | undefined> {
  if (!graph.richNotifications) return undefined;
  if (graph.clientId === undefined) throw new Error('GRAPH_CLIENT_ID: is required with GRAPH_RICH_NOTIFICATIONS=true');
  if (graph.encryptionCertPath === undefined || graph.encryptionKeyPath === undefined) {
    throw new Error(
      'GRAPH_ENCRYPTION_CERT_PATH, GRAPH_ENCRYPTION_KEY_PATH: are required with GRAPH_RICH_NOTIFICATIONS=true',
    );
  }
  const certificate = await loadEncryptionCertificate(graph.encryptionCertPath, graph.encryptionKeyPath);
  const caPem = graph.caPath === undefined ? undefined : await readCa(graph.caPath);
  return new JoseRichNotificationReader({
    clientIds: [graph.clientId],
    ...(graph.tenantId !== undefined && GUID.test(graph.tenantId) ? { tenantIds: [graph.tenantId] } : {}),
    authorityHost: graph.authorityHost,
    ...(caPem === undefined ? {} : { caPem }),
    decryptionKeys: [certificate],
  });
}

async function readCa(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `${path}: cannot read the CA certificates (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
}
