import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import type { IncomingMessage } from 'node:http';
import { bundleForBrowser } from '../helpers/bundle';
import { startTestServer, type TestServer } from '../helpers/server';
import type { Bundle } from '../../src/protocol';
import { EventType } from '../../src/lib/rrweb';

export interface SnippetPageOptions {
  vars?: Record<string, unknown>;
  head?: string;
  body?: string;
  /** How many times the snippet is pasted (default 1). */
  copies?: number;
}

export interface CaptureSite extends TestServer {
  /** Every bundle the collector stub received, in arrival order. */
  bundles: Bundle[];
  /** Every request body the collector stub received, decompressed, resent ones included. */
  bodies: string[];
  /** Holds fs.js back until the returned function is called. */
  holdScript(): () => void;
  /** A page with the snippet variables set and the snippet pasted inline. */
  snippetPage(options?: SnippetPageOptions): Promise<string>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });

export const snippetSource = () => bundleForBrowser('src/api/snippet.ts', '__openstorySnippet');
/** dist/fs.js as the script tag loads it, built from src/browser.ts. */
export const fsScript = () => bundleForBrowser('src/browser.ts', '__openstoryFs');
/** Bundles leave 100 ms after their first event instead of 5 s, so tests do not wait. */
export const QUICK_TRANSPORT = { thresholds: { timeMs: 100 } };

/**
 * A loopback site and collector stub in one server: pages from memory, /fs.js (src/browser.ts)
 * and POST /rec/bundle collecting decoded bundles.
 */
export async function startCaptureSite(): Promise<CaptureSite> {
  const bundles: Bundle[] = [];
  const bodies: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  const server = await startTestServer({
    routes: [
      async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const cors = { 'access-control-allow-origin': req.headers.origin ?? '*', 'access-control-allow-headers': 'content-type' };
        if (url.pathname === '/rec/bundle') {
          if (req.method === 'OPTIONS') return res.writeHead(204, cors).end(), true;
          const body = await readBody(req);
          const json = url.searchParams.get('enc') === 'gzip' ? gunzipSync(body).toString('utf8') : body.toString('utf8');
          bodies.push(json);
          const bundle = JSON.parse(json) as Bundle;
          // (pageId, seq) is the idempotency key: a resent bundle is acknowledged, kept once.
          if (!bundles.some((kept) => kept.pageId === bundle.pageId && kept.seq === bundle.seq)) bundles.push(bundle);
          res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end('{"ok":true}');
          return true;
        }
        if (url.pathname === '/fs.js') {
          await gate;
          res.writeHead(200, { ...cors, 'content-type': 'text/javascript' }).end(await fsScript());
          return true;
        }
        return false;
      },
    ],
  });
  const original = server.close;
  return Object.assign(server, {
    bundles,
    bodies,
    holdScript() {
      let release!: () => void;
      gate = new Promise<void>((done) => (release = done));
      return release;
    },
    async snippetPage(options: SnippetPageOptions = {}) {
      const { _fs_options: extra, ...given } = options.vars ?? {};
      const vars = {
        _fs_org: 'o-test',
        _fs_host: server.url,
        _fs_script: `${server.url}/fs.js`,
        _fs_options: { transport: QUICK_TRANSPORT, ...(extra as object) },
        ...given,
      };
      const assignments = Object.entries(vars)
        .map(([name, value]) => `window[${JSON.stringify(name)}] = ${JSON.stringify(value)};`)
        .join('\n');
      return `<!doctype html><html><head><script>${assignments}</script>${`<script>${await snippetSource()}</script>`.repeat(options.copies ?? 1)}${options.head ?? ''}</head><body>${options.body ?? ''}</body></html>`;
    },
    close: original,
  });
}

/** Custom events (facts) of the received bundles, in stream order, with the ids they were sent under. */
export function factsOf(bundles: Bundle[]) {
  const pages = [...new Set(bundles.map((bundle) => bundle.pageId))];
  const sorted = pages.flatMap((pageId) => bundles.filter((bundle) => bundle.pageId === pageId).sort((a, b) => a.seq - b.seq));
  return sorted.flatMap((bundle) =>
    bundle.events
      .filter((event) => event.type === EventType.Custom)
      .map((event) => {
        const data = event.data as { tag: string; payload: Record<string, unknown> };
        return { tag: data.tag, payload: data.payload, userId: bundle.userId, sessionId: bundle.sessionId, pageId: bundle.pageId };
      }),
  );
}

/** Tags of the facts the FS API emits. */
export const API_FACT_TAGS = ['identity', 'userVars', 'custom', 'log', 'consent'];

/** Only the facts the FS API put in the stream (not the page part's or the heuristics'). */
export const apiFactsOf = (bundles: Bundle[]) => factsOf(bundles).filter((fact) => API_FACT_TAGS.includes(fact.tag));

/** A Chromium and a capture site for one test file, started before its tests and stopped after. */
export function useBrowserAndSite(chromiumArgs: string[] = []): { browser: Browser; site: CaptureSite } {
  const env = {} as { browser: Browser; site: CaptureSite };
  beforeAll(async () => {
    [env.browser, env.site] = await Promise.all([launchChromium(chromiumArgs), startCaptureSite()]);
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.site?.close();
  });
  return env;
}

/** Makes the page look hidden, which is when the transport sends what it holds. */
export const hidePage = (page: Page) =>
  page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
