import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FactPayloads, FactTag, RequestFact } from '../../src/facts';
import { bundleForBrowser } from '../helpers/bundle';
import { launchChromium } from '../helpers/chromium';
import { startTestServer, type Route, type TestServer } from '../helpers/server';

interface Fact {
  tag: FactTag;
  payload: FactPayloads[FactTag];
}

let browser: Browser;
let server: TestServer;

/** /status/404 answers 404, /slow answers after 2 s, /detail/… answers JSON with a header. */
const routes: Route[] = [
  (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const status = /^\/status\/(\d+)$/.exec(path);
    if (status) return void res.writeHead(Number(status[1]), { 'content-type': 'text/plain', 'content-length': '5' }).end('hello'), true;
    if (path === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 2000), true;
    if (path.startsWith('/detail/') || path === '/beacon' || path.startsWith('/ingest')) {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'x-trace': 't-1', 'set-cookie': 'a=b' }).end('{"email":"ann@example.com","ok":true}'));
      return true;
    }
    return false;
  },
];

const PAGE = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<button id="buy">Buy</button><img src="/status/404?token=img-secret">
<script src="/page.js"></script>
<script src="/privacy.js"></script>
<script>
  window.__facts = [];
  window.__telemetry = openstoryPage.startPage({
    emit: (e) => __facts.push(e.data),
    privacy: openstoryPrivacy.createPrivacy({}),
    console: { levels: ['log', 'info', 'warn', 'error', 'debug'], maskSecrets: true },
    network: { options: { allowUrls: ['/detail/'], headers: ['X-Trace'] }, maskBodies: true, isOwn: (url) => url.startsWith(location.origin + '/ingest') },
  });
  buy.onclick = () => { throw new Error('checkout failed'); };
</script></body></html>`;

beforeAll(async () => {
  server = await startTestServer({ routes });
  server.pages.set('/page.js', await bundleForBrowser('src/page/index.ts', 'openstoryPage'));
  server.pages.set('/privacy.js', await bundleForBrowser('src/privacy/index.ts', 'openstoryPrivacy'));
  server.pages.set('/', PAGE);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('fetch, XHR, sendBeacon and resources become request facts; console messages and click errors are kept', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/`, { waitUntil: 'load' });
  await page.evaluate(async () => {
    await fetch('/status/200?token=abc123');
    await fetch('/status/404');
    await fetch('/status/500', { method: 'post', body: 'card 4111 1111 1111 1111' });
    await fetch('http://127.0.0.1:1/refused').catch(() => undefined);
    const abort = new AbortController();
    const slow = fetch('/slow', { signal: abort.signal }).catch(() => undefined);
    abort.abort();
    await slow;
    await fetch('/detail/profile', { method: 'PUT', body: '{"email":"bob@example.com"}' }).then((response) => response.text());
    await fetch('/ingest/v1?enc=gzip', { method: 'POST', body: 'ours' });
    await new Promise((done) => {
      const xhr = new XMLHttpRequest();
      xhr.open('get', '/status/201');
      xhr.onloadend = done;
      xhr.send();
    });
    navigator.sendBeacon('/beacon', 'bye');
    const cyclic: Record<string, unknown> = { name: 'cycle', mail: 'ann@example.com' };
    cyclic.self = cyclic;
    console.log('plain', 1, cyclic);
    console.info({ deep: { a: { b: { c: { d: 1 } } } }, list: Array.from({ length: 30 }, (_, i) => i) });
    console.warn(document.getElementById('buy'));
    console.error(new TypeError('bad type'));
    console.debug('see https://shop.example/?token=xyz');
  });
  await page.click('#buy');
  await page.waitForTimeout(300);
  const facts = await page.evaluate(() => {
    (window as unknown as { __telemetry: { flush(): void } }).__telemetry.flush();
    return (window as unknown as { __facts: Fact[] }).__facts;
  });
  const of = <T extends FactTag>(tag: T) => facts.filter((f) => f.tag === tag).map((f) => f.payload as FactPayloads[T]);
  const requests = of('request');
  const find = (part: string) => requests.find((r) => r.ReqUrl.includes(part)) as RequestFact;

  expect(find('/status/200')).toMatchObject({ ReqMethod: 'GET', ReqStatus: 200, initiator: 'fetch', resSize: 5 });
  expect(find('/status/200').ReqUrl).not.toContain('abc123');
  expect(find('/status/404?') ?? find('/status/404')).toBeDefined();
  expect(requests.find((r) => r.initiator === 'fetch' && r.ReqUrl.endsWith('/status/404'))).toMatchObject({ ReqStatus: 404 });
  expect(find('/status/500')).toMatchObject({ ReqMethod: 'POST', ReqStatus: 500, reqSize: 24 });
  expect(find('/status/500').reqBody).toBeUndefined();
  expect(find('/refused')).toMatchObject({ ReqStatus: 0, failed: 'error' });
  expect(find('/slow')).toMatchObject({ ReqStatus: 0, failed: 'abort' });
  const detail = find('/detail/profile');
  expect(detail).toMatchObject({ ReqMethod: 'PUT', ReqStatus: 200, headers: { 'x-trace': 't-1' } });
  expect(detail.reqBody).not.toContain('bob@example.com');
  expect(detail.resBody).toMatch(/^\{"email":"[^"]+","ok":true\}$/);
  expect(detail.resBody).not.toContain('ann@example.com');
  expect(requests.some((r) => r.ReqUrl.includes('/ingest'))).toBe(false);
  expect(find('/status/201')).toMatchObject({ ReqMethod: 'GET', ReqStatus: 201, initiator: 'xmlhttprequest' });
  expect(find('/beacon')).toMatchObject({ ReqMethod: 'POST', initiator: 'beacon', reqSize: 3 });
  const image = requests.find((r) => r.initiator === 'img')!;
  expect(image).toMatchObject({ ReqMethod: 'GET', ReqStatus: 404 });
  expect(image.ReqUrl).not.toContain('img-secret');
  for (const request of requests) expect(request.duration).toBeGreaterThanOrEqual(0);

  const logs = of('log');
  expect(logs.map((l) => l.level)).toEqual(['log', 'info', 'warn', 'error', 'debug']);
  expect(logs[0].message).toMatch(/^plain 1 \{name: "cycle", mail: "[^"]+", self: \[Circular\]\}$/);
  expect(logs[0].message).not.toContain('ann@example.com');
  expect(logs[1].message).toContain('deep: {a: {b: [Object]}}');
  expect(logs[1].message).toContain('…');
  expect(logs[2].message).toBe('<button#buy>');
  expect(logs[3].message).toBe('TypeError: bad type');
  expect(logs[4].message).not.toContain('xyz');

  const [error] = of('error');
  expect(error).toMatchObject({ kind: 'error', message: expect.stringContaining('checkout failed'), EventWebSourceFileUrl: `${server.url}/`, line: PAGE.split('\n').findIndex((line) => line.includes('checkout failed')) + 1 });
  expect(error.column).toBeGreaterThan(0);
  expect(error.stack).toContain('checkout failed');

  // A wrapper installed after ours survives stop; nothing is captured after it.
  const after = await page.evaluate(async () => {
    const w = window as unknown as { __telemetry: { stop(): void }; __facts: unknown[] };
    const ours = window.fetch;
    const theirs = (...args: Parameters<typeof fetch>) => ours(...args);
    window.fetch = theirs;
    w.__telemetry.stop();
    const count = w.__facts.length;
    await fetch('/status/200');
    console.log('after stop');
    return { kept: window.fetch === theirs, newFacts: w.__facts.length - count };
  });
  expect(after).toEqual({ kept: true, newFacts: 0 });
  await page.close();
});
