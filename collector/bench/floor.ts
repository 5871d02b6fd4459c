/**
 * The floor of `collector.ts`: a bare HTTP endpoint on 127.0.0.1 that only reads a body,
 * decompresses it and answers 200 — no validation, no storage. The collector's figures are
 * compared with it, measured under the same load in the same run. Prints its URL like the CLI;
 * stops on SIGTERM.
 */
import { createServer } from 'node:http';
import { gunzip } from 'node:zlib';

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () =>
    gunzip(Buffer.concat(chunks), (error) => {
      response.writeHead(error ? 400 : 200, { 'content-type': 'application/json' }).end(error ? '{"ok":false}' : '{"ok":true}');
    }),
  );
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://127.0.0.1:${address.port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
