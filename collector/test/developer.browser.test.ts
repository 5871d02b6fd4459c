import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { useRecordedSite } from './recorded-site';

const siteRoot = mkdtempSync(join(tmpdir(), 'openstory-dev-site-'));
const HOUR = 3600_000;
let clockAhead = 0;

/** A shop page that fetches (200, 404, 500, refused, aborted), uses XHR and sendBeacon, logs, and throws on click. */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Dev shop</title>
<script>window['_fs_host'] = 'collector.example.com'; window['_fs_org'] = 'o-placeholder'; window['_fs_namespace'] = 'FS';</script>
<script src="/snippet.js"></script></head>
<body><button id="buy">Buy</button>
<script>
  window.run = async () => {
    await fetch('/api/ok?token=s3cret');
    await fetch('/api/missing');
    await fetch('/api/broken', { method: 'POST', body: '{"card":"4111 1111 1111 1111"}' });
    await fetch('/api/refused').catch(() => undefined);
    const abort = new AbortController();
    const slow = fetch('/api/slow', { signal: abort.signal }).catch(() => undefined);
    abort.abort();
    await slow;
    await new Promise((done) => { const xhr = new XMLHttpRequest(); xhr.open('GET', '/api/xhr'); xhr.onloadend = done; xhr.send(); });
    navigator.sendBeacon('/api/beacon', 'bye');
    const cyclic = { name: 'cart' }; cyclic.self = cyclic;
    console.log('cart', cyclic);
    console.info('info line');
    console.warn(document.getElementById('buy'));
    console.error('payment failed for ann@example.com');
    console.debug('debug line');
  };
  document.getElementById('buy').onclick = () => { throw new Error('checkout failed'); };
</script></body></html>`;

writeFileSync(join(siteRoot, 'dev.html'), PAGE);
const recorded = useRecordedSite(siteRoot, { now: () => Date.now() + clockAhead });
afterAll(() => rmSync(siteRoot, { recursive: true, force: true }));

test('requests, console messages and a click error reach the session and the export with their fields', async () => {
  const { collector, site, newContext } = recorded();
  const context = await newContext();
  await context.route('**/api/**', async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/api/refused') return route.abort('connectionrefused');
    if (path === '/api/slow') return void setTimeout(() => route.fulfill({ body: 'late' }).catch(() => undefined), 2000);
    const status = path === '/api/missing' ? 404 : path === '/api/broken' ? 500 : 200;
    return route.fulfill({ status, contentType: 'application/json', body: '{"secret":"do-not-keep"}' });
  });
  const page = await context.newPage();
  await page.goto(`${site.url}/dev.html`);
  await page.waitForFunction(() => typeof (window as any).FS === 'function' && !(window as any).FS.q);
  await page.evaluate(() => (window as any).run());
  await page.click('#buy');
  // The click is judged once its response window (2.5 s) has closed.
  await page.waitForTimeout(3000);
  await page.goto('about:blank');

  const facts = async () => {
    const [session] = await collector.storage.listSessions({ limit: 1 });
    return session ? collector.storage.sessionFacts(session.orgId, session.userId, session.sessionId) : [];
  };
  await expect.poll(async () => (await facts()).filter((fact) => fact.tag === 'click').length, { timeout: 20_000 }).toBeGreaterThan(0);
  const stored = await facts();
  const requests = stored.filter((fact) => fact.tag === 'request').map((fact) => fact.payload);
  const request = (path: string) => requests.find((r) => new URL(String(r.ReqUrl)).pathname === path);
  expect(request('/api/ok')).toMatchObject({ ReqMethod: 'GET', ReqStatus: 200, initiator: 'fetch' });
  expect(String(request('/api/ok')!.ReqUrl)).not.toContain('s3cret');
  expect(request('/api/missing')).toMatchObject({ ReqStatus: 404 });
  expect(request('/api/broken')).toMatchObject({ ReqMethod: 'POST', ReqStatus: 500 });
  expect(request('/api/refused')).toMatchObject({ ReqStatus: 0, failed: 'error' });
  expect(request('/api/slow')).toMatchObject({ ReqStatus: 0, failed: 'abort' });
  expect(request('/api/xhr')).toMatchObject({ ReqStatus: 200, initiator: 'xmlhttprequest' });
  expect(request('/api/beacon')).toMatchObject({ ReqMethod: 'POST', initiator: 'beacon' });
  expect(requests.some((r) => String(r.ReqUrl).startsWith(collector.url))).toBe(false);
  expect(JSON.stringify(requests)).not.toContain('do-not-keep');
  expect(JSON.stringify(requests)).not.toContain('4111');

  const logs = stored.filter((fact) => fact.tag === 'log').map((fact) => fact.payload);
  expect(logs.map((log) => log.level)).toEqual(['log', 'info', 'warn', 'error', 'debug']);
  expect(logs[0].message).toBe('cart {name: "cart", self: [Circular]}');
  expect(logs[2].message).toBe('<button#buy>');
  expect(logs[3].message).not.toContain('ann@example.com');
  const [error] = stored.filter((fact) => fact.tag === 'error').map((fact) => fact.payload);
  expect(error).toMatchObject({ kind: 'error', EventWebSourceFileUrl: `${site.url}/dev.html`, line: expect.any(Number), column: expect.any(Number) });
  expect(stored.find((fact) => fact.tag === 'click')!.payload).toMatchObject({ EventTargetText: 'Buy', EventModError: 1 });

  clockAhead = HOUR;
  const apiKey = collector.config().orgs[0].apiKeys[0];
  const api = (path: string) => fetch(`${collector.url}${path}`, { headers: { authorization: `Basic ${apiKey}` } });
  const { exports } = await (await api('/api/v1/export/list?start=0')).json();
  const rows: any[] = [];
  for (const { ID } of exports) rows.push(...(await (await api(`/api/v1/export/get?id=${ID}`)).json()));
  const requestRows = rows.filter((row) => row.EventType === 'request');
  expect(requestRows.find((row) => row.ReqUrl?.includes('/api/missing'))).toMatchObject({ ReqMethod: 'GET', ReqStatus: 404, PageUrl: `${site.url}/dev.html` });
  expect(rows.filter((row) => row.EventType === 'console_message').map((row) => row.EventSubType)).toEqual(['log', 'info', 'warn', 'error', 'debug']);
  expect(rows.find((row) => row.EventType === 'exception')).toMatchObject({
    EventSubType: 'uncaught', EventVarErrorKind: 'error', EventWebSourceFileUrl: `${site.url}/dev.html`,
    EventTargetText: expect.stringContaining('checkout failed'),
  });
  expect(rows.find((row) => row.EventType === 'click')).toMatchObject({ EventModError: 1 });
  await context.close();
});
