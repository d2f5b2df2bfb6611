import type { MailpushConfig } from '@mailpush/config';

/** What a person at a terminal sees once the server listens: where things are, and a walk-through. */
export function standaloneBanner(config: MailpushConfig, url: string): readonly string[] {
  const database =
    config.database.target.driver === 'sqlite' ? config.database.target.path : config.database.target.driver;
  const lines = [
    `mailpush standalone is up on ${url}`,
    `  database   ${database}`,
    `  health     ${url}/health/ready`,
    `  metrics    ${url}/metrics`,
    `  API docs   ${url}/v1/openapi.json`,
    ...(config.secrets.key === undefined && config.secrets.keyFile !== undefined
      ? [`  key file   ${config.secrets.keyFile} (back it up)`]
      : []),
  ];
  if (config.sandbox.enabled) lines.push('', ...walkThrough(url, config));
  lines.push('', 'docs/configuration.md lists every setting. Stop with Ctrl-C.');
  return lines;
}

function walkThrough(url: string, config: MailpushConfig): readonly string[] {
  const topic = config.apns.topic ?? 'com.example.mail';
  return [
    `Sandbox: nothing real is configured, so local simulators stand in for Exchange Online (Graph), APNs,`,
    `FCM and the identity provider (files in ${config.sandbox.dir}). Nothing leaves this machine. Try it:`,
    '',
    '  # 1. a device token for alice',
    `  TOKEN=$(curl -s -X POST ${url}/sandbox/oidc/tokens -H 'content-type: application/json' \\`,
    `    -d '{"upn":"alice@example.com"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')`,
    '  # 2. register an iPhone for her mailbox',
    `  curl -s ${url}/v1/registrations -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `    -d '{"deviceId":"iphone-1","platform":"ios","appId":"${topic}","environment":"sandbox","pushToken":"${'ab'.repeat(32)}"}'`,
    '  # 3. a mail arrives in her Exchange Online inbox (Graph notifies mailpush, which pushes)',
    `  curl -s ${url}/sandbox/graph/mail -H 'content-type: application/json' \\`,
    `    -d '{"user":"alice@example.com","subject":"Lunch?","from":{"name":"Bob","address":"bob@example.com"}}'`,
    '  # 4. the push APNs received',
    `  curl -s ${url}/sandbox/apns/requests`,
  ];
}
