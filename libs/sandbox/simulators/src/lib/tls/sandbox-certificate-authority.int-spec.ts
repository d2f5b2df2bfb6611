import { isIP } from 'node:net';
import { connect, createServer, type Server } from 'node:tls';
import { SandboxCertificateAuthority, SIMULATOR_SERVER_NAMES } from './sandbox-certificate-authority';

describe(SandboxCertificateAuthority.name, () => {
  let sut: SandboxCertificateAuthority;
  let server: Server;
  let port: number;

  /** Resolves with `ok` when the TLS handshake verifies, or with the error code it failed with. */
  const handshake = (options: { servername?: string; ca: string }): Promise<string> =>
    new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ...options }, () => {
        socket.destroy();
        resolve('ok');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });

  beforeAll(async () => {
    sut = await SandboxCertificateAuthority.create();
    const { certPem, keyPem } = await sut.issue(SIMULATOR_SERVER_NAMES);
    server = createServer({ cert: certPem, key: keyPem }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(SIMULATOR_SERVER_NAMES.filter((name) => isIP(name) === 0))(
    'issues a certificate that verifies for %s with the CA',
    async (servername) => {
      await expect(handshake({ servername, ca: sut.caPem })).resolves.toBe('ok');
    },
  );

  it('verifies for the IP address 127.0.0.1', async () => {
    await expect(handshake({ ca: sut.caPem })).resolves.toBe('ok');
  });

  it('does not verify for a name it was not issued for', async () => {
    await expect(handshake({ servername: 'example.com', ca: sut.caPem })).resolves.toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('does not verify against another sandbox CA', async () => {
    const other = await SandboxCertificateAuthority.create();

    await expect(handshake({ servername: 'localhost', ca: other.caPem })).resolves.not.toBe('ok');
  });

  it('publishes a PEM CA certificate and refuses to issue for no name', async () => {
    expect(sut.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    await expect(sut.issue([])).rejects.toThrow(/hostnames/);
  });
});
