import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Bundle } from 'openstory/vocabulary';
import { launchChromium } from '../../test/helpers/chromium';
import { bundleForBrowser } from '../../test/helpers/bundle';
import { startDemoSite, type DemoSite } from '../src/index';
import { gzipJson, parseExportJson, startTestCollector, type TestCollector } from './fixtures';
import { BUILD_TIMEOUT_MS, hauserBinary, parseCsv, runHauser, type HauserRun } from './hauser';

const SITE_ROOT = fileURLToPath(new URL('./e2e-site', import.meta.url));
const HOUR = 3600_000;
const MINUTE = 60_000;
/** hauser exports a window once it ended ExportDelay (at least 1 h) ago: the session is moved into one 3 h back. */
const WINDOW = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
/** Two windows per run (the session's and the empty next one) with hauser's 5 s progress polls. */
const HAUSER_DEADLINE_MS = 90_000;

const dir = mkdtempSync(join(tmpdir(), 'openstory-hauser-'));
let binary: Awaited<ReturnType<typeof hauserBinary>>;
let browser: Browser;
let collector: TestCollector;
let site: DemoSite;
/** The collector's clock runs `shift` ms behind, so the moved bundles arrive as they would have then. */
let shift = 0;
let snippet = '';
/** The site's bundles, kept by a stand-in ingest endpoint; they reach the collector later, moved back in time. */
const bundles: Bundle[] = [];
let capture: Server;
const runs: HauserRun[] = [];

beforeAll(async () => {
  [binary, browser, collector] = await Promise.all([hauserBinary(), launchChromium(), startTestCollector({ now: () => Date.now() + shift })]);
  let fsScript: string;
  [fsScript, snippet] = await Promise.all([bundleForBrowser('src/browser.ts', 'openstoryFs'), bundleForBrowser('src/api/snippet.ts', 'openstorySnippet')]);
  capture = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
      const body = Buffer.concat(chunks);
      if (request.method === 'POST') bundles.push(JSON.parse((body[0] === 0x1f ? gunzipSync(body) : body).toString('utf8')));
      response.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': request.headers.origin ?? '*' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
  const captureUrl = `http://127.0.0.1:${(capture.address() as AddressInfo).port}`;
  site = await startDemoSite({ root: SITE_ROOT, collectorUrl: captureUrl, orgId: collector.config().orgs[0].id, fsScript: async () => fsScript });
}, BUILD_TIMEOUT_MS + 60_000);
afterAll(async () => {
  for (const run of runs) run.stop();
  await browser?.close();
  await site?.close();
  capture?.close();
  await collector?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Every absolute time in a bundle moved by `by` ms: event timestamps, page start, send time, facts' EventStart. */
function moved(bundle: Bundle, by: number): Bundle {
  const events = bundle.events.map((event) => {
    const data = event.data as { payload?: { EventStart?: number } };
    const payload = data?.payload && typeof data.payload.EventStart === 'number' ? { ...data.payload, EventStart: data.payload.EventStart + by } : data?.payload;
    return { ...event, timestamp: event.timestamp + by, data: payload ? { ...data, payload } : data } as typeof event;
  });
  return { ...bundle, sentAt: bundle.sentAt + by, events, ...(bundle.page ? { page: { ...bundle.page, startTime: bundle.page.startTime + by } } : {}) };
}

/** A real session in Chromium: identify, a rage series on a dead label, a custom event with a property, an SPA navigation. */
async function recordSession(): Promise<{ bundles: Bundle[]; start: number }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  // The page loads the snippet from its own site, as a site owner would host it.
  await context.route('**/snippet.js', (route) => route.fulfill({ contentType: 'text/javascript', body: snippet }));
  const start = Date.now();
  const page = await context.newPage();
  await page.goto(`${site.url}/index.html`);
  await page.waitForFunction(() => typeof (window as any).FS === 'function' && !(window as any).FS.q);
  await page.click('#add');
  for (let i = 0; i < 4; i++) await page.click('#dead', { delay: 20 });
  await page.evaluate(() => {
    const FS = (window as any).FS;
    FS.identify('customer-7', { displayName: 'Bob', email: 'bob@example.com', plan_str: 'gold' });
    FS.event('Checkout Started', { total_real: 9.5 });
  });
  // A click is judged (dead, rage) once its response window (heuristics' CLICK_WINDOW_MS, 2.5 s) has closed.
  await page.waitForTimeout(3000);
  await page.click('#checkout');
  await page.goto('about:blank');
  const text = () => JSON.stringify(bundles);
  await expect.poll(() => text().includes('"EventModFrustrated":2') && text().includes('Checkout Started'), { timeout: 20_000 }).toBe(true);
  await context.close();
  return { bundles: [...bundles], start };
}

test('hauser, FullStory\'s own loader, loads a recorded session from the collector: same rows as the collector\'s export', async (ctx) => {
  if ('skip' in binary) {
    console.warn(binary.skip);
    ctx.skip(binary.skip);
    return;
  }
  const { bundles, start } = await recordSession();
  shift = WINDOW + 10 * MINUTE - start;
  const order = (bundle: Bundle) => `${bundle.pageId}:${String(bundle.seq).padStart(6, '0')}`;
  for (const bundle of bundles.sort((a, b) => order(a).localeCompare(order(b)))) {
    expect((await collector.post(gzipJson(moved(bundle, shift)))).status).toBe(200);
  }
  // Then the clock comes back to the present: hours have passed since the session, as for any export.
  shift = 0;

  const startTime = new Date(WINDOW);
  const names = (extension: string) => [WINDOW, WINDOW + HOUR].map((ms) => `${ms / 1000}.${extension}`);
  const csvDir = join(dir, 'csv');
  const jsonDir = join(dir, 'json');
  for (const [runDir, json] of [[csvDir, false], [jsonDir, true]] as const) {
    runs.push(runHauser(binary.path, { dir: runDir, apiUrl: collector.url, apiKey: collector.apiKey, startTime, json }));
  }
  await Promise.all([runs[0].files(names('csv'), HAUSER_DEADLINE_MS), runs[1].files(names('json'), HAUSER_DEADLINE_MS)]);
  for (const run of runs) run.stop();

  // The collector's own export of the window: the legacy Data Export bundles of [WINDOW, WINDOW + 1 h).
  const { exports } = await (await collector.api(`/api/v1/export/list?start=${WINDOW / 1000}`)).json();
  const expected: any[] = [];
  for (const { ID, Stop } of exports) if (Stop * 1000 <= WINDOW + HOUR) expected.push(...parseExportJson(await (await collector.api(`/api/v1/export/get?id=${ID}`)).text()));
  expect(expected.map((row) => row.EventType)).toEqual(expect.arrayContaining(['navigate', 'click', 'custom']));

  const jsonText = readFileSync(join(jsonDir, 'out', names('json')[0]), 'utf8');
  const jsonRows = parseExportJson(jsonText);
  for (const id of ['IndvId', 'UserId', 'SessionId', 'PageId']) expect(jsonText).toMatch(new RegExp(`"${id}":\\d+[,}]`));
  expect(jsonText).not.toContain('null');

  const [header, ...csvRows] = parseCsv(readFileSync(join(csvDir, 'out', names('csv')[0]), 'utf8'));
  const cell = (row: string[], name: string) => row[header.indexOf(name)];
  expect(csvRows).toHaveLength(expected.length);
  expect(jsonRows).toHaveLength(expected.length);
  for (const row of csvRows) expect(row).not.toContain('<nil>');
  expected.forEach((want, i) => {
    const [csv, json] = [csvRows[i], jsonRows[i]];
    for (const id of ['IndvId', 'UserId', 'SessionId', 'PageId']) {
      expect(cell(csv, id)).toBe(String(want[id]));
      expect(json[id]).toBe(want[id]);
    }
    expect(Date.parse(cell(csv, 'EventStart'))).toBe(Date.parse(want.EventStart));
    expect(json.EventStart).toBe(want.EventStart);
    for (const name of ['EventType', 'UserAppKey', 'UserEmail', 'UserDisplayName', 'PageUrl']) expect(cell(csv, name)).toBe(want[name] ?? '');
    expect(cell(csv, 'EventModFrustrated')).toBe(String(want.EventModFrustrated));
    expect(cell(csv, 'PageUserAgent')).toBe(want.PageAgent);
  });

  const rage = csvRows.filter((row) => Number(cell(row, 'EventModFrustrated')) > 0);
  expect(rage.length).toBeGreaterThan(0);
  expect(rage.every((row) => cell(row, 'EventTargetText') === 'Free shipping')).toBe(true);
  const identified = csvRows.find((row) => cell(row, 'UserAppKey') === 'customer-7') as string[];
  expect({ name: cell(identified, 'UserDisplayName'), email: cell(identified, 'UserEmail') }).toEqual({ name: 'Bob', email: 'bob@example.com' });
  // hauser files the user_ and evt_ fields it has no column for under CustomVars.
  expect(JSON.parse(cell(identified, 'CustomVars'))).toMatchObject({ user_plan_str: 'gold' });
  const custom = csvRows.find((row) => cell(row, 'EventType') === 'custom') as string[];
  expect(cell(custom, 'EventCustomName')).toBe('Checkout Started');
  expect(JSON.parse(cell(custom, 'CustomVars'))).toMatchObject({ evt_total_real: 9.5 });
  expect(Number(cell(csvRows[0], 'PageClusterId'))).toBeGreaterThan(0);
}, HAUSER_DEADLINE_MS + 60_000);
