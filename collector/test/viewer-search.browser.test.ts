import { writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../test/helpers/chromium';
import { factAt, makeBundle, pageMetadata, parseExportJson, recordingStart, startTestCollector, T0, type TestCollector } from './fixtures';
import { aliceSession } from './session';

/** The session list's search, driven through its form in Chromium (issue 18, item 2). */
let browser: Browser;
let collector: TestCollector;
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

beforeAll(async () => {
  [browser, collector] = await Promise.all([launchChromium(), startTestCollector({ now: () => T0 + 7200_000 })]);
  const bundles = [
    ...aliceSession(),
    makeBundle({ userId: 'u-bob', sessionId: 's-2', pageId: 'p-2', page: pageMetadata({ url: 'https://blog.example/post_1', userAgent: FIREFOX, startTime: T0 + 5000 }),
      events: [...recordingStart('Hello replay', T0 + 5000),
        factAt('request', { EventStart: T0 + 5100, ReqUrl: 'https://blog.example/api', ReqMethod: 'GET', ReqStatus: 502, duration: 30, initiator: 'fetch' }, T0 + 5100),
        factAt('thrash', { EventStart: T0 + 5200, EventTargetSelectorTok: 'html body', reversals: 4 }, T0 + 5200),
        factAt('custom', { EventCustomName: 'Signed Up', properties: { plan_str: 'free' } }, T0 + 5300)] as never }),
    makeBundle({ userId: 'u-carol', sessionId: 's-3', pageId: 'p-3', page: pageMetadata({ startTime: T0 + 9000 }), events: recordingStart('Hello replay', T0 + 9000) as never }),
    makeBundle({ userId: 'u-carol', sessionId: 's-3', pageId: 'p-4', page: pageMetadata({ url: 'https://shop.example/help', startTime: T0 + 9500 }),
      events: [...recordingStart('Hello replay', T0 + 9500), factAt('pageVars', { PageName: 'Help', vars: {} }, T0 + 9600)] as never }),
  ];
  for (const bundle of bundles) expect((await collector.send(bundle)).status).toBe(200);
});
afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
});

const listed = async (page: Page) =>
  (await page.locator('tr[data-session]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-session')!.split('.')[1])));

/** Fills the form as a person would (text fields, checkboxes, the sort), submits it and reads the users listed. */
async function search(page: Page, fields: Record<string, string>, checks: string[] = [], sort = 'time'): Promise<string[]> {
  await page.goto(`${collector.url}/sessions`);
  for (const [name, value] of Object.entries(fields)) await page.fill(`form.search [name="${name}"]`, value);
  for (const check of checks) await page.check(`form.search input[type="checkbox"][value="${check}"]${check === '1' ? '' : '[name="frustration"]'}`);
  await page.selectOption('form.search select[name="sort"]', sort);
  await Promise.all([page.waitForURL(/\/sessions\?/), page.click('form.search button[type="submit"]')]);
  return listed(page);
}

test('search by each filter through the form, and filters combined', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const cases: Array<[Record<string, string>, string[], string[]]> = [
    [{}, [], ['u-carol', 'u-bob', 'u-alice']],
    [{ user: 'alice@example' }, [], ['u-alice']],
    [{ user: 'customer-42' }, [], ['u-alice']],
    [{ userVar: 'plan_str=pro' }, [], ['u-alice']],
    [{ url: '/checkout' }, [], ['u-alice']],
    [{ url: 'https://shop.example/*' }, [], ['u-carol', 'u-alice']],
    [{ pageName: 'Help' }, [], ['u-carol']],
    [{ eventName: 'Checkout Started' }, [], ['u-alice']],
    [{ eventName: 'Signed Up', eventProperty: 'plan_str=free' }, [], ['u-bob']],
    [{}, ['rage'], ['u-alice']],
    [{}, ['dead'], ['u-alice']],
    [{}, ['error'], []],
    [{}, ['thrash'], ['u-bob']],
    [{}, ['abandon'], []],
    [{ browser: 'Firefox' }, [], ['u-bob']],
    [{ device: 'Desktop' }, [], ['u-carol', 'u-bob', 'u-alice']],
    [{ os: 'Linux' }, [], ['u-bob']],
    [{ from: new Date(T0).toISOString().slice(0, 10), until: new Date(T0).toISOString().slice(0, 10) }, [], ['u-carol', 'u-bob', 'u-alice']],
    [{ from: new Date(T0 + 86_400_000).toISOString().slice(0, 10) }, [], []],
    [{ minDuration: '1' }, [], ['u-alice']],
    [{ maxDuration: '1' }, [], ['u-carol', 'u-bob']],
    [{ minPages: '2' }, [], ['u-carol']],
    [{ maxPages: '1' }, [], ['u-bob', 'u-alice']],
    [{ browser: 'Chrome', url: 'shop.example' }, ['rage'], ['u-alice']],
  ];
  for (const [fields, checks, expected] of cases) expect(await search(page, fields, checks), JSON.stringify([fields, checks])).toEqual(expected);
  // Console errors and failed requests are checkboxes of their own.
  await page.goto(`${collector.url}/sessions`);
  await page.check('form.search input[name="consoleErrors"]');
  await Promise.all([page.waitForURL(/consoleErrors=1/), page.click('form.search button[type="submit"]')]);
  expect(await listed(page)).toEqual(['u-alice']);
  await page.goto(`${collector.url}/sessions`);
  await page.check('form.search input[name="failedRequests"]');
  await Promise.all([page.waitForURL(/failedRequests=1/), page.click('form.search button[type="submit"]')]);
  expect(await listed(page)).toEqual(['u-bob']);
  expect(await search(page, {}, [], 'frustration')).toEqual(['u-alice', 'u-carol', 'u-bob']);
  // The form keeps what was searched.
  await search(page, { url: '<b>"x' }, []);
  expect(await page.inputValue('form.search [name="url"]')).toBe('<b>"x');
  await page.close();
});

test('a search saved as a segment is listed with its id and exported through the Segment Export API', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  expect(await search(page, { browser: 'Firefox' })).toEqual(['u-bob']);
  await page.fill('form.save input[name="name"]', 'Firefox <visitors>');
  const [saved] = await Promise.all([page.waitForResponse((response) => response.url().endsWith('/segments')), page.click('form.save button[type="submit"]')]);
  expect(saved.status()).toBe(303);
  await page.waitForURL(/\/sessions\?browser=Firefox/);
  const link = page.locator('.segments li a', { hasText: 'Firefox <visitors>' });
  await expect.poll(() => link.count()).toBe(1);
  const segmentId = await page.locator('.segments li code').first().innerText();
  expect(segmentId).toMatch(/^seg-/);
  // docs/viewer.md's screenshot, refreshed on request (the segment id in it changes each run).
  if (process.env.VIEWER_SCREENSHOTS) writeFileSync('docs/viewer-sessions.png', await page.screenshot({ fullPage: true }));
  // The segment's link runs its search again.
  await page.goto(`${collector.url}/sessions`);
  await Promise.all([page.waitForURL(/browser=Firefox/), page.click('.segments li a')]);
  expect(await listed(page)).toEqual(['u-bob']);
  await page.close();

  const body = { segmentId, type: 'TYPE_EVENT', format: 'FORMAT_NDJSON', timeRange: { start: '', end: '' } };
  const { operationId } = await (await collector.api('/segments/v1/exports', { method: 'POST', body: JSON.stringify(body) })).json();
  let operation: any;
  await expect.poll(async () => (operation = await (await collector.api(`/operations/v1/${operationId}`)).json()).state).toBe('COMPLETED');
  expect(operation.details.segmentId).toBe(segmentId);
  const { location } = await (await collector.api(`/search/v1/exports/${operation.results.searchExportId}/results`)).json();
  const rows = gunzipSync(Buffer.from(await (await fetch(location)).arrayBuffer())).toString('utf8').trim().split('\n').map(parseExportJson);
  expect(rows.map((row) => row.EventCustomName).filter(Boolean)).toEqual(['Signed Up']);
  expect(rows.every((row) => row.PageBrowser === 'Firefox')).toBe(true);
});
