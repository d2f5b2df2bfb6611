/**
 * The reference: a bare node:http server as Graph needs one, started as its own process like graph-receiver.
 * A POST with `validationToken` in the query gets 200 text/plain with the decoded token; any other POST gets
 * 202 once its body is read. Listens on a free loopback port and prints `listening <port>` when ready; stops on SIGTERM.
 */
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  if (request.method !== 'POST') {
    request.resume();
    response.writeHead(405, { 'content-length': 0 }).end();
    return;
  }
  const query = request.url?.indexOf('?') ?? -1;
  const token = query < 0 ? null : new URLSearchParams(request.url?.slice(query + 1)).get('validationToken');
  if (token !== null) {
    request.resume();
    const body = Buffer.from(token, 'utf8');
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
    response.end(body);
    return;
  }
  request.on('data', () => undefined);
  request.on('end', () => response.writeHead(202, { 'content-length': 0 }).end());
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address !== null ? address.port : ''}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
