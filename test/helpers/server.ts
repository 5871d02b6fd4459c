import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { CONTENT_TYPES } from '@openstory/collector';

export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface TestServer {
  url: string;
  port: number;
  /** Pages served from memory: path -> body (html unless the path says otherwise). */
  pages: Map<string, string>;
  close(): Promise<void>;
}

/**
 * A static server on 127.0.0.1 with a port the OS picks. It serves in-memory pages first, then
 * routes, then files below `root` (when given). Tests stop it in afterAll.
 */
export async function startTestServer(options: { root?: string; routes?: Route[] } = {}): Promise<TestServer> {
  const pages = new Map<string, string>();
  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const page = pages.get(path);
      if (page !== undefined) {
        res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(path)] ?? CONTENT_TYPES['.html'] });
        res.end(page);
        return;
      }
      for (const route of options.routes ?? []) if (await route(req, res)) return;
      if (options.root) {
        const file = normalize(join(options.root, path.endsWith('/') ? `${path}index.html` : path));
        if (file.startsWith(normalize(options.root))) {
          const body = await readFile(file).catch(() => null);
          if (body) {
            res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
            res.end(body);
            return;
          }
        }
      }
      res.writeHead(404).end('not found');
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pages,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
