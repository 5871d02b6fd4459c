import { createServer, type Server } from 'node:http';
import { readdir, readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { escapeHtml } from './viewer/html';

/** Static files by extension; the test servers (test/helpers/server.ts) serve with the same table. */
export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
};

export interface DemoSiteOptions {
  /** The examples directory. */
  root: string;
  collectorUrl: string;
  orgId: string;
  /** The capture script served as /fs.js (dist/fs.js in the demo). */
  fsScript: () => Promise<string | Buffer>;
  /** The folder of the chunks dist/fs.js imports from beside itself (canvas.js, telemetry.js), served beside /fs.js. */
  chunksDir?: string;
  host?: string;
  port?: number;
}

export interface DemoSite {
  url: string;
  close(): Promise<void>;
}

/** What dist/fs.js imports from its own folder: console, network and web-vitals capture as capture starts, the canvas recorder when `recordCanvas` is on. */
const FS_JS_CHUNKS = ['/telemetry.js', '/canvas.js'];

const SNIPPET_VALUE = (name: string) => new RegExp(`(\\b${name}['"]?\\]?\\s*=\\s*)(['"])(?:(?!\\2).)*\\2`, 'g');

/**
 * Points FullStory-style snippet variables at this collector: `_fs_host`, `_fs_script`, `_fs_org`.
 * When a page sets `_fs_host` but not `_fs_script`, the script URL is added after it.
 */
export function pointSnippetAt(html: string, options: { collectorUrl: string; scriptUrl: string; orgId: string }): string {
  const literal = (value: string) => `'${value.replace(/['\\]/g, '\\$&')}'`;
  let out = html
    .replace(SNIPPET_VALUE('_fs_host'), `$1${literal(options.collectorUrl)}`)
    .replace(SNIPPET_VALUE('_fs_org'), `$1${literal(options.orgId)}`);
  if (SNIPPET_VALUE('_fs_script').test(out)) {
    out = out.replace(SNIPPET_VALUE('_fs_script'), `$1${literal(options.scriptUrl)}`);
  } else {
    out = out.replace(/(\b_fs_host['"]?\]?\s*=\s*'[^']*'\s*;?)/, `$1 window['_fs_script'] = ${literal(options.scriptUrl)};`);
  }
  return out;
}

async function directoryListing(directory: string, path: string): Promise<string> {
  const entries = (await readdir(directory, { withFileTypes: true })).filter((entry) => !entry.name.startsWith('.'));
  const links = entries
    .map((entry) => `<li><a href="${escapeHtml(path + entry.name + (entry.isDirectory() ? '/' : ''))}">${escapeHtml(entry.name)}</a></li>`)
    .join('');
  return `<!doctype html><meta charset="utf-8"><title>openstory examples</title><h1>openstory examples</h1><ul>${links || '<li>(empty)</li>'}</ul>`;
}

/** A static server for the examples with the snippet rewritten to this collector. Loopback only by default. */
export async function startDemoSite(options: DemoSiteOptions): Promise<DemoSite> {
  const root = normalize(options.root);
  let siteUrl = '';
  const rewrite = (html: string) => pointSnippetAt(html, { collectorUrl: options.collectorUrl, scriptUrl: `${siteUrl}/fs.js`, orgId: options.orgId });
  const server: Server = createServer(async (request, response) => {
    try {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      if (path === '/fs.js') {
        response.writeHead(200, { 'content-type': CONTENT_TYPES['.js'], 'cache-control': 'no-store' });
        response.end(await options.fsScript());
        return;
      }
      if (options.chunksDir && FS_JS_CHUNKS.includes(path)) {
        response.writeHead(200, { 'content-type': CONTENT_TYPES['.js'], 'cache-control': 'no-store' });
        response.end(await readFile(join(options.chunksDir, path)));
        return;
      }
      const file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) {
        response.writeHead(403).end();
        return;
      }
      const info = await stat(file).catch(() => undefined);
      if (info?.isDirectory()) {
        if (!path.endsWith('/')) {
          response.writeHead(301, { location: `${path}/` }).end();
          return;
        }
        const index = await readFile(join(file, 'index.html'), 'utf8').catch(() => undefined);
        const body = index ?? (await directoryListing(file, path));
        response.writeHead(200, { 'content-type': CONTENT_TYPES['.html'] });
        response.end(rewrite(body));
        return;
      }
      if (!info?.isFile()) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': type });
      response.end(type === CONTENT_TYPES['.html'] ? rewrite(body.toString('utf8')) : body);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', ready);
  });
  const { port } = server.address() as AddressInfo;
  siteUrl = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url: siteUrl,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
