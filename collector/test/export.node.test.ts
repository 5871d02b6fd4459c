import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, expect, test } from 'vitest';
import { EXPORT_COLUMNS } from '../src/export/rows';
import { numericId } from '../src/enrich';
import { parseExportJson, sessionEvents, startTestCollector, T0, type TestCollector } from './fixtures';
import { aliceSession } from './session';

let collector: TestCollector;
afterEach(() => collector?.dispose());

const HOUR = 3600_000;
const ADMIN_DELETE = { method: 'DELETE', headers: { 'x-openstory-admin': '1' } };

async function ingestAlice(c: TestCollector, userId?: string, pageId?: string) {
  for (const bundle of aliceSession(userId, pageId)) expect((await c.send(bundle)).status).toBe(200);
}

async function exportRows(c: TestCollector): Promise<any[]> {
  const list = await (await c.api('/api/v1/export/list?start=0')).json();
  const rows = [];
  for (const ref of list.exports) {
    const response = await c.api(`/api/v1/export/get?id=${ref.ID}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    // fetch inflates Content-Encoding: gzip, as Go's default transport does for hauser.
    rows.push(...parseExportJson(await response.text()));
  }
  return rows;
}

test('list answers hauser shape: periods holding events, aligned, once the delay has passed', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  await ingestAlice(collector);
  const response = await collector.api('/api/v1/export/list?start=0');
  expect(response.status).toBe(200);
  const body = await response.json();
  expect(body).toEqual({ exports: [{ Start: T0 / 1000, Stop: T0 / 1000 + 1800, ID: expect.any(Number) }] });
  expect(Number.isInteger(body.exports[0].ID)).toBe(true);
  const later = await (await collector.api(`/api/v1/export/list?start=${T0 / 1000 + 1800}`)).json();
  expect(later.exports).toEqual([]);
});

test('get sends the gzip bytes themselves to a client that does not inflate (hauser with DisableCompression)', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  await ingestAlice(collector);
  const { exports } = await (await collector.api('/api/v1/export/list?start=0')).json();
  const raw = await new Promise<Buffer>((resolve, reject) => {
    request(`${collector.url}/api/v1/export/get?id=${exports[0].ID}`, { headers: { authorization: `Basic ${collector.apiKey}` } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
    }).end();
  });
  expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
  expect(JSON.parse(gunzipSync(raw).toString('utf8'))).toHaveLength(8);
});

test('a period is not listed nor served before the availability delay', async () => {
  collector = await startTestCollector({
    now: () => T0 + 2 * HOUR,
    configure: (config) => ({ ...config, orgs: config.orgs.map((org) => ({ ...org, exportDelayMinutes: 24 * 60, exportPeriodMinutes: 360 })) }),
  });
  await ingestAlice(collector);
  expect((await (await collector.api('/api/v1/export/list?start=0')).json()).exports).toEqual([]);
  const id = (T0 / 1000 - ((T0 / 1000) % 21600)) * 10000 + 360;
  expect((await collector.api(`/api/v1/export/get?id=${id}`)).status).toBe(404);
});

test('rows: one per interaction fact, every hauser column, values mapped from facts and page metadata', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  await ingestAlice(collector);
  const rows = await exportRows(collector);
  expect(rows.map((row) => row.EventType)).toEqual(['navigate', 'click', 'click', 'click', 'change', 'navigate', 'custom', 'exception']);
  for (const row of rows) for (const column of EXPORT_COLUMNS) expect(row).toHaveProperty(column);

  const [load, firstClick, , thirdClick, change, spa, custom, exception] = rows;
  expect(firstClick).toMatchObject({
    EventStart: new Date(T0 + 1000).toISOString(),
    EventTargetText: 'Pay now',
    EventTargetSelectorTok: 'html body button.pay%2Dnow',
    EventTargetSelector: 'html body button.pay-now',
    EventModFrustrated: 1, EventModDead: 1, EventModError: 0, EventModSuspicious: 0,
    EventPageOffset: 1000,
    UserId: numericId('o-demo', 'user', 'u-alice'), UserAppKey: 'customer-42', UserEmail: 'alice@example.com', UserDisplayName: 'Alice',
    SessionId: numericId('o-demo', 'session', 'u-alice:s-1'), PageId: numericId('o-demo', 'page', 'p-1'), PageUrl: 'https://shop.example/cart',
    PageRefererUrl: 'https://search.example/?q=shoes',
    PageDuration: 5000, PageActiveDuration: 3000, PageMaxScrollDepthPercent: 80,
    PageBrowser: 'Chrome', PageBrowserVersion: '131.0.0.0', PageDevice: 'Desktop', PageOperatingSystem: 'OS X', PagePlatform: 'Web',
    PageIp: '127.0.0.0', PageScreenWidth: 1920, PageViewportHeight: 720,
    PageNumInfos: 2, PageNumWarnings: 1, PageNumErrors: 0,
    LoadDomContentTime: 120, LoadEventTime: 340, LoadFirstPaintTime: 95,
    plan_str: 'pro', seats_int: 3,
  });
  expect(JSON.parse(firstClick.CustomVars)).toEqual({ plan_str: 'pro', seats_int: 3 });
  expect(thirdClick.EventModFrustrated).toBe(3);
  // hauser types the ids as BIGINT: they are exported as exact positive 64-bit integers.
  for (const column of ['IndvId', 'UserId', 'SessionId', 'PageId']) {
    expect(typeof firstClick[column] === 'bigint' && firstClick[column] > 0n && firstClick[column] < 2n ** 63n).toBe(true);
  }
  expect(load).toMatchObject({ EventSubType: 'load', PageUrl: 'https://shop.example/cart' });
  // Console totals are running totals at the time of the event.
  expect(change).toMatchObject({ EventModSuspicious: 1, EventTargetText: '', PageNumErrors: 1 });
  expect(spa).toMatchObject({ EventSubType: 'spa', PageUrl: 'https://shop.example/checkout' });
  expect(custom).toMatchObject({ EventCustomName: 'Checkout Started', PageUrl: 'https://shop.example/checkout' });
  expect(custom.PageStart).toBe(new Date(T0).toISOString());
  expect(exception).toMatchObject({
    EventSubType: 'uncaught', EventTargetText: 'boom', EventVarErrorKind: 'error',
    EventWebSourceFileUrl: 'https://shop.example/app.js', ReqUrl: null, PageNumErrors: 1,
  });
});

test('IndvId merges users that share a UserAppKey; anonymous users are their own individual', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  await ingestAlice(collector, 'u-laptop', 'p-1');
  await ingestAlice(collector, 'u-phone', 'p-2');
  const rows = await exportRows(collector);
  const byUser = (userId: string) => rows.find((row) => row.UserId === numericId('o-demo', 'user', userId));
  expect(byUser('u-laptop').IndvId).toBe(byUser('u-phone').IndvId);
  const anonymous = (await import('../src/enrich')).individualId('o-demo', 'u-x', null);
  expect(anonymous).not.toBe(byUser('u-laptop').IndvId);
});

test('user deletion by UserAppKey removes the user everywhere; later exports no longer hold them', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  await ingestAlice(collector, 'u-laptop', 'p-1');
  await ingestAlice(collector, 'u-phone', 'p-2');
  const deleted = await collector.api('/api/v1/users?userAppKey=customer-42', ADMIN_DELETE);
  expect(deleted.status).toBe(200);
  expect(await deleted.json()).toEqual({ ok: true, deleted: { users: 2, sessions: 2, pages: 2, bundles: 4, purged: true } });
  expect(await exportRows(collector)).toEqual([]);
  expect(await collector.storage.listSessions({ limit: 10 })).toEqual([]);
  expect(await sessionEvents(collector.storage, 'o-demo', 'u-laptop', 's-1')).toEqual([]);
  // secure_delete and the WAL checkpoint leave no copy of the user's data in the files.
  for (const file of readdirSync(collector.dataDir).filter((name) => name.startsWith('openstory.sqlite'))) {
    expect(readFileSync(join(collector.dataDir, file)).includes('alice@example.com')).toBe(false);
  }
});

test('user deletion by UserId leaves other users alone', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  await ingestAlice(collector, 'u-laptop', 'p-1');
  await ingestAlice(collector, 'u-phone', 'p-2');
  expect((await collector.api('/api/v1/users?userId=u-laptop', ADMIN_DELETE)).status).toBe(200);
  const rows = await exportRows(collector);
  expect(new Set(rows.map((row) => row.UserId))).toEqual(new Set([numericId('o-demo', 'user', 'u-phone')]));
  expect((await collector.api('/api/v1/users', ADMIN_DELETE)).status).toBe(400);
});

test('API keys are regenerable: the new key works, the old one is refused', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  const response = await collector.api('/api/v1/keys/regenerate', { method: 'POST', headers: { 'x-openstory-admin': '1' } });
  const { apiKey } = await response.json();
  expect(apiKey).toMatch(/^ok_/);
  expect((await collector.api('/api/v1/export/list?start=0')).status).toBe(401);
  const fresh = await fetch(`${collector.url}/api/v1/export/list?start=0`, { headers: { authorization: `Basic ${apiKey}` } });
  expect(fresh.status).toBe(200);
  expect(collector.config().orgs[0].apiKeys).toEqual([apiKey]);
});

test('the export API is rate limited per key with 429 and Retry-After', async () => {
  collector = await startTestCollector({
    now: () => T0 + 2 * HOUR,
    configure: (config) => ({ ...config, rateLimit: { ...config.rateLimit, apiPerKeyPerMinute: 1 } }),
  });
  expect((await collector.api('/api/v1/export/list?start=0')).status).toBe(200);
  const limited = await collector.api('/api/v1/export/list?start=0');
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
});

test('retention deletes sessions older than the org retention, for good', async () => {
  let now = T0 + 2 * HOUR;
  collector = await startTestCollector({ now: () => now });
  await ingestAlice(collector);
  now = T0 + 61 * 24 * HOUR;
  const swept = await collector.sweepRetention();
  expect(swept['o-demo']).toEqual({ users: 1, sessions: 1, pages: 1, bundles: 2, purged: true });
  expect(await collector.storage.listSessions({ limit: 10 })).toEqual([]);
  now = T0 + 2 * HOUR;
  expect(await exportRows(collector)).toEqual([]);
});

test('a non-integer start or id is refused with 400, never rounded into a period', async () => {
  collector = await startTestCollector({ now: () => T0 + 2 * HOUR });
  await ingestAlice(collector);
  const [ref] = (await (await collector.api('/api/v1/export/list?start=0')).json()).exports;
  for (const query of ['list?start=1.5', 'list?start=abc', `get?id=${ref.ID}.5`, 'get?id=abc']) {
    expect((await collector.api(`/api/v1/export/${query}`)).status, query).toBe(400);
  }
});
