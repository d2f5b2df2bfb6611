import { GraphSimulator } from './graph-simulator';

const TENANT = 'b5b5f5a6-4444-4c3c-9d9d-0123456789ab';
const CLIENT_ID = '6731de76-2222-49ae-97bc-6eba6914391e';
const SECRET = 'read-load-secret';

describe(`${GraphSimulator.name} read load`, () => {
  let sut: GraphSimulator;
  let token: string;

  const inbox = (user: string): Promise<Response> =>
    fetch(`${sut.graphBaseUrl}/users/${user}/mailFolders('inbox')`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    sut = await GraphSimulator.start({ tenantId: TENANT });
    sut.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
    const response = await fetch(`${sut.url}/${TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: CLIENT_ID,
        client_secret: SECRET,
        scope: 'https://graph.microsoft.com/.default',
        grant_type: 'client_credentials',
      }),
    });
    token = ((await response.json()) as { access_token: string }).access_token;
  });

  afterAll(async () => {
    await sut.close();
  });

  it('counts reads of a mailbox held at once by delayReads, per mailbox', async () => {
    const alice = sut.addMailbox('alice-load@contoso.example');
    const bob = sut.addMailbox('bob-load@contoso.example');
    sut.delayReads(alice.id, 200);

    const answers = await Promise.all([...Array.from({ length: 5 }, () => inbox(alice.id)), inbox(bob.id)]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(sut.maxConcurrentRequests(alice.userPrincipalName)).toBe(5);
    expect(sut.maxConcurrentRequests(bob.id)).toBe(1);
  });

  it('sees one read at a time from a client that waits for each answer, and forgets peaks on reset', async () => {
    const carol = sut.addMailbox('carol-load@contoso.example');
    sut.delayReads(carol.id, 20);
    for (let index = 0; index < 3; index += 1) expect((await inbox(carol.id)).status).toBe(200);

    expect(sut.maxConcurrentRequests(carol.id)).toBe(1);
    sut.reset();
    expect(sut.maxConcurrentRequests(carol.id)).toBe(0);
    expect(() => sut.delayReads(carol.id, -1)).toThrow('delayMs: must be a whole number >= 0');
  });
});
