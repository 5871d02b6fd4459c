import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, expect, test } from 'vitest';
import { numericId } from '../src/enrich';
import { pagePattern } from '../src/segment/fields';
import { factAt, makeBundle, pageMetadata, parseExportJson, startTestCollector, T0, type TestCollector } from './fixtures';
import { aliceSession } from './session';

let collector: TestCollector | undefined;
afterEach(async () => {
  await collector?.dispose();
  collector = undefined;
});

const HOUR = 3600_000;
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

async function ingestAlice(c: TestCollector) {
  for (const bundle of aliceSession()) expect((await c.send(bundle)).status).toBe(200);
  // LCP and CLS reported final on page hide, after the load row was stored.
  const vitals = makeBundle({ seq: 2, events: [factAt('vital', { name: 'LCP', value: 812, rating: 'good' }, T0 + 1800), factAt('vital', { name: 'CLS', value: 0.12, rating: 'needs-improvement' }, T0 + 1801)] as any });
  expect((await c.send(vitals)).status).toBe(200);
}

/** A plain GET without Authorization, as hauser fetches the location: the raw bytes and headers. */
function rawGet(url: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk)).on('error', reject)
        .on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    }).end();
  });
}

/** Create → poll → results → download, as hauser does (no Content-Type on the create). */
async function segmentExport(c: TestCollector, body: Record<string, unknown>): Promise<string> {
  const created = await c.api('/segments/v1/exports', { method: 'POST', body: JSON.stringify(body) });
  expect(created.status).toBe(200);
  const { operationId } = await created.json();
  let operation: any;
  for (let attempt = 0; attempt < 200; attempt++) {
    const polled = await c.api(`/operations/v1/${operationId}`);
    expect(polled.status).toBe(200);
    operation = await polled.json();
    expect(operation.type).toBe('SEARCH_EXPORT');
    expect(Number.isInteger(operation.estimatePctComplete)).toBe(true);
    if (operation.state !== 'PENDING') break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(operation.state).toBe('COMPLETED');
  expect(operation.results.expires).toMatch(/Z$/);
  const results = await c.api(`/search/v1/exports/${operation.results.searchExportId}/results`);
  expect(results.status).toBe(200);
  const { location } = await results.json();
  const download = await rawGet(location);
  expect(download.status).toBe(200);
  expect(download.headers['content-encoding']).toBeUndefined();
  return gunzipSync(download.body).toString('utf8');
}

const everyone = (overrides: Record<string, unknown> = {}) => ({
  segmentId: 'everyone', type: 'TYPE_EVENT', format: 'FORMAT_JSON',
  segmentTimeRange: { start: '', end: '' }, timeRange: { start: rfc3339(T0), end: rfc3339(T0 + HOUR) }, ...overrides,
});

test('an event export: FullStory names and types, absent fields left out, custom properties as user_/evt_ fields', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  await ingestAlice(collector);
  const text = await segmentExport(collector, everyone());
  const rows = parseExportJson(text);
  expect(rows.map((row: any) => row.EventType)).toEqual(['navigate', 'click', 'click', 'click', 'change', 'navigate', 'custom', 'exception']);
  const [load, click, , , , , custom] = rows;
  expect(click).toMatchObject({
    EventStart: '2026-01-05T09:00:01.000Z', UserId: numericId('o-demo', 'user', 'u-alice'), EventModFrustrated: 1,
    PageUserAgent: expect.stringContaining('Chrome/131'), PageNumEvents: 8, PageNumDerivedEvents: 0, LoadLargestPaintTime: 812,
    user_plan_str: 'pro', user_seats_int: 3, PageClusterId: numericId('o-demo', 'cluster', 'shop.example/cart'),
  });
  expect(load.EventCumulativeLayoutShift).toBe(0.12);
  expect(custom).toMatchObject({ EventCustomName: 'Checkout Started', evt_total_real: 9.5 });
  for (const row of rows) {
    expect(Object.values(row)).not.toContain(null);
    for (const name of ['PageAgent', 'CustomVars', 'plan_str', 'ReqUrl', 'PageLatLong']) expect(row).not.toHaveProperty(name);
  }
  // Ids are integers in the text itself, not strings, and beyond 2^53 (64-bit) they are not rounded.
  expect(text).toMatch(/"IndvId":\d+,/);
  expect(text).toContain(`"UserId":${numericId('o-demo', 'user', 'u-alice')},`);
});

test('page properties: PageName and page_<name>_<type> on every row of the page once set', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  await ingestAlice(collector);
  const named = makeBundle({ seq: 3, events: [factAt('pageVars', { PageName: 'Cart', vars: { step_int: 2, section_str: 'review' } }, T0 + 1900)] as any });
  expect((await collector.send(named)).status).toBe(200);
  const rows = parseExportJson(await segmentExport(collector, everyone()));
  const cartRows = rows.filter((row: any) => row.PageUrl === 'https://shop.example/cart');
  expect(cartRows.length).toBeGreaterThan(0);
  for (const row of cartRows) expect(row).toMatchObject({ PageName: 'Cart', page_step_int: 2, page_section_str: 'review' });
  const fields = parseExportJson((await segmentExport(collector, everyone({ format: 'FORMAT_NDJSON', fields: ['EventType', 'PageName', 'page_*'] }))).trim().split('\n')[0]);
  expect(fields).toEqual({ EventType: 'navigate', PageName: 'Cart', page_step_int: 2, page_section_str: 'review' });
});

test('fields select names and wildcards; NDJSON and CSV carry the same rows', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  await ingestAlice(collector);
  const fields = ['EventType', 'EventCustomName', 'UserEmail', 'user_*'];
  const ndjson = (await segmentExport(collector, everyone({ format: 'FORMAT_NDJSON', fields }))).trim().split('\n').map(parseExportJson);
  expect(ndjson[6]).toEqual({ EventType: 'custom', EventCustomName: 'Checkout Started', UserEmail: 'alice@example.com', user_plan_str: 'pro', user_seats_int: 3 });
  const csv = (await segmentExport(collector, everyone({ format: 'FORMAT_CSV', fields }))).trim().split('\r\n');
  expect(csv[0]).toBe('EventType,EventCustomName,UserEmail,user_plan_str,user_seats_int');
  expect(csv[7]).toBe('custom,Checkout Started,alice@example.com,pro,3');
  expect(csv[1]).toBe('navigate,,alice@example.com,pro,3');
});

test('an individual export: one row per Individual', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  for (const bundle of aliceSession('u-laptop', 'p-1')) await collector.send(bundle);
  for (const bundle of aliceSession('u-phone', 'p-2')) await collector.send(bundle);
  const rows = parseExportJson(await segmentExport(collector, everyone({ type: 'TYPE_INDIVIDUAL', timeRange: { start: '', end: '' } })));
  expect(rows).toEqual([{
    IndvId: expect.any(BigInt), UserAppKey: 'customer-42', UserDisplayName: 'Alice', UserEmail: 'alice@example.com',
    UserCreated: expect.stringMatching(/^2026-01-05T09:00/), user_plan_str: 'pro', user_seats_int: 3,
  }]);
});

test('refusals: 401 without a key, 400 for unknown segments and bad bodies, 404 for unknown ids, 403 for a tampered URL', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  expect((await fetch(`${collector.url}/segments/v1/exports`, { method: 'POST', body: '{}' })).status).toBe(401);
  const unknown = await collector.api('/segments/v1/exports', { method: 'POST', body: JSON.stringify(everyone({ segmentId: 'seg-1' })) });
  expect(unknown.status).toBe(400);
  expect((await unknown.json()).error).toBe('unknown-segment');
  expect((await collector.api('/segments/v1/exports', { method: 'POST', body: '{' })).status).toBe(400);
  expect((await collector.api('/segments/v1/exports', { method: 'POST', body: JSON.stringify(everyone({ format: 'FORMAT_XML' })) })).status).toBe(400);
  expect((await collector.api('/operations/v1/nope.nope')).status).toBe(404);
  expect((await collector.api('/search/v1/exports/nope/results')).status).toBe(404);
  expect((await rawGet(`${collector.url}/search/v1/exports/nope/download?expires=9999999999&signature=x`)).status).toBe(403);
});

test('a segment saved in the viewer is a segmentId: its export holds its sessions and users only', async () => {
  collector = await startTestCollector();
  await ingestAlice(collector);
  const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
  const bob = makeBundle({ userId: 'u-bob', sessionId: 's-2', pageId: 'p-2', page: pageMetadata({ userAgent: firefox }),
    events: [factAt('custom', { EventCustomName: 'Signed Up', properties: {} }, T0 + 100)] as any });
  expect((await collector.send(bob)).status).toBe(200);
  // Saved the way the viewer's form does (a browser test drives the form itself: viewer-search.browser.test.ts).
  const saved = await fetch(`${collector.url}/segments`, {
    method: 'POST', redirect: 'manual',
    headers: { origin: collector.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ org: 'o-demo', name: 'Firefox users', query: 'browser=Firefox' }).toString(),
  });
  expect(saved.status).toBe(303);
  const [segment] = await collector.storage.listSegments('o-demo');
  const body = (type: string) => ({ segmentId: segment.segmentId, type, format: 'FORMAT_NDJSON', timeRange: { start: '', end: '' } });
  const events = (await segmentExport(collector, body('TYPE_EVENT'))).trim().split('\n').map(parseExportJson);
  expect(events.map((row) => row.EventCustomName).filter(Boolean)).toEqual(['Signed Up']);
  expect(new Set(events.map((row) => row.UserId))).toEqual(new Set([numericId('o-demo', 'user', 'u-bob')]));
  const users = (await segmentExport(collector, body('TYPE_INDIVIDUAL'))).trim().split('\n').map(parseExportJson);
  expect(users).toHaveLength(1);
  // Outside the segment's time range, no session is in it.
  const later = { ...body('TYPE_EVENT'), segmentTimeRange: { start: rfc3339(T0 + 10 * HOUR), end: '' } };
  expect((await segmentExport(collector, later)).trim()).toBe('');
  const unknown = await collector.api('/segments/v1/exports', { method: 'POST', body: JSON.stringify({ ...body('TYPE_EVENT'), segmentId: 'seg-none' }) });
  expect(unknown.status).toBe(400);
});

test('past the org\'s rate limit the Segment Export answers 429 with Retry-After', async () => {
  collector = await startTestCollector({
    now: () => T0 + 2 * HOUR,
    configure: (config) => ({ ...config, rateLimit: { ...config.rateLimit, apiPerKeyPerMinute: 1 } }),
  });
  expect((await collector.api('/segments/v1/exports', { method: 'POST', body: JSON.stringify(everyone()) })).status).toBe(200);
  const limited = await collector.api('/operations/v1/any.id');
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
});

test('an operation lost in a restart answers FAILED, never PENDING forever', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  const { operationId } = await (await collector.api('/segments/v1/exports', { method: 'POST', body: JSON.stringify(everyone()) })).json();
  const { dataDir } = collector;
  await collector.close();
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR }, dataDir);
  const polled = await collector.api(`/operations/v1/${operationId}`);
  expect(polled.status).toBe(200);
  expect(await polled.json()).toMatchObject({ type: 'SEARCH_EXPORT', state: 'FAILED', errorDetails: expect.stringContaining('lost') });
});

test('page clusters generalise numeric and id-like path segments', () => {
  expect(pagePattern('https://Shop.example/orders/1234/items/?x=1#y')).toBe('shop.example/orders/*/items');
  expect(pagePattern('https://shop.example/u/3f2a9c1e-1b2c-4d5e-8f90-123456789abc')).toBe('shop.example/u/*');
  expect(pagePattern('https://shop.example/blog/how-to-choose-running-shoes')).toBe('shop.example/blog/how-to-choose-running-shoes');
  expect(pagePattern('https://shop.example/c/9f86d081884c7d65')).toBe('shop.example/c/*');
  // A word that happens to be hex letters only is a word.
  expect(pagePattern('https://shop.example/c/facade')).toBe('shop.example/c/facade');
  expect(pagePattern('not a url')).toBeNull();
});

test('requests, console messages and exceptions: request, console_message and exception rows with their fields', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  const request = (url: string, status: number, at: number, extra: Record<string, unknown> = {}) =>
    factAt('request', { EventStart: at, ReqUrl: url, ReqMethod: 'GET', ReqStatus: status, duration: 12.6, initiator: 'fetch', ...extra }, at + 20);
  const bundle = makeBundle({
    events: [
      factAt('navigate', { PageUrl: 'https://shop.example/', EventSubType: 'load', EventModSuspicious: 0 }, T0 + 10),
      request('https://api.shop.example/cart?token=<redacted>', 200, T0 + 100),
      request('https://api.shop.example/missing', 404, T0 + 200),
      request('https://api.shop.example/pay', 0, T0 + 300, { ReqMethod: 'POST', failed: 'error' }),
      factAt('log', { level: 'warn', message: 'slow cart', console: 1 }, T0 + 400),
      factAt('log', { level: 'error', message: 'pay failed {code: 7}', console: 1 }, T0 + 500),
      factAt('error', { message: 'Uncaught TypeError: x is undefined', kind: 'unhandledrejection', EventWebSourceFileUrl: 'https://shop.example/app.js' }, T0 + 600),
    ] as any,
  });
  expect((await collector.send(bundle)).status).toBe(200);
  const rows = parseExportJson(await segmentExport(collector, everyone()));
  expect(rows.map((row: any) => [row.EventType, row.EventSubType ?? null])).toEqual([
    ['navigate', 'load'], ['request', null], ['request', null], ['request', null],
    ['console_message', 'warn'], ['console_message', 'error'], ['exception', 'uncaught'],
  ]);
  const [, ok, missing, failed, warn, error, exception] = rows;
  // A request row's time is when the request started.
  expect(ok).toMatchObject({ EventStart: new Date(T0 + 100).toISOString(), ReqUrl: 'https://api.shop.example/cart?token=<redacted>', ReqMethod: 'GET', ReqStatus: 200, PageUrl: 'https://shop.example/' });
  expect(ok.UserId).toBe(numericId('o-demo', 'user', 'u-alice'));
  expect(missing.ReqStatus).toBe(404);
  expect(failed).toMatchObject({ ReqMethod: 'POST', ReqStatus: 0 });
  expect(warn).toMatchObject({ EventTargetText: 'slow cart' });
  expect(warn.EventVarErrorKind).toBeUndefined();
  expect(error).toMatchObject({ EventTargetText: 'pay failed {code: 7}', EventVarErrorKind: 'console' });
  expect(exception).toMatchObject({ EventTargetText: 'Uncaught TypeError: x is undefined', EventVarErrorKind: 'unhandledrejection', EventWebSourceFileUrl: 'https://shop.example/app.js' });
  expect(exception.ReqUrl).toBeUndefined();
});
