/* eslint-disable */
import { FcmSimulator } from '@mailpush/simulators';
import { loadFcmCredential } from './fcm/fcm-credential.loader';
import { FcmAccessTokenSource } from './fcm/fcm-access-token.source';
import * as http2 from 'node:http2';

it('raw client against simulator with goaway in flight', async () => {
  const sim = await FcmSimulator.start({ port: 0 });
  const credential = loadFcmCredential(sim.createServiceAccount('mailpush-int-test'));
  const tokens = new FcmAccessTokenSource({ credential, caPem: sim.caPem });
  const access = await tokens.getAccessToken();
  for (let round = 0; round < 5; round++) {
    sim.script('gone', { goaway: true, times: 1 });
    const client = http2.connect(sim.url, { ca: sim.caPem });
    client.on('error', () => {});
    await Promise.all(Array.from({ length: 60 }, (_, i) => new Promise((resolve) => {
      const s = client.request({ ':method': 'POST', ':path': '/v1/projects/mailpush-int-test/messages:send', authorization: `Bearer ${access}`, 'content-type': 'application/json' });
      s.on('data', () => {});
      s.on('end', () => resolve('ok'));
      s.on('error', () => resolve('err'));
      s.on('close', () => resolve('closed'));
      s.end(JSON.stringify({ message: { token: `${i === 30 ? 'gone' : 'ok'}:${round}x${i}`, data: { a: 'b' } } }));
    })));
    client.destroy();
  }
  await sim.close();
});
