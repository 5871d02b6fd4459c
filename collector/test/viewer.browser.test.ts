import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test/helpers/chromium';
import { factAt, makeBundle, startTestCollector, T0, type TestCollector } from './fixtures';
import { pngByteVariety } from './png';
import { aliceSession } from './session';

let browser: Browser;
let collector: TestCollector;

beforeAll(async () => {
  [browser, collector] = await Promise.all([launchChromium(), startTestCollector({ now: () => T0 + 7200_000 })]);
  for (const bundle of aliceSession()) expect((await collector.send(bundle)).status).toBe(200);
  expect((await collector.send(developerBundle())).status).toBe(200);
});

/** Requests and console messages of alice's page, for the developer panels. */
function developerBundle() {
  const request = (path: string, status: number, at: number, extra: Record<string, unknown> = {}) =>
    factAt('request', { EventStart: at, ReqUrl: `https://shop.example${path}`, ReqMethod: 'GET', ReqStatus: status, duration: 48, initiator: 'fetch', ...extra }, at + 48);
  return makeBundle({
    seq: 2,
    events: [
      request('/api/cart', 200, T0 + 100),
      request('/api/recommendations', 404, T0 + 300),
      request('/api/pay', 500, T0 + 1250, { ReqMethod: 'POST' }),
      request('/api/stock', 0, T0 + 1260, { failed: 'error' }),
      factAt('log', { level: 'info', message: 'cart loaded {items: 2}', console: 1 }, T0 + 200),
      factAt('log', { level: 'warn', message: 'slow payment <img src=x onerror="window.__pwned=true">', console: 1 }, T0 + 1255),
    ] as any,
  });
}
afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
});

test('the sessions page lists the session with user, counts and environment', async () => {
  const page = await browser.newPage();
  await page.goto(`${collector.url}/sessions`);
  const row = page.locator('tr[data-session="o-demo.u-alice.s-1"]');
  await expect.poll(() => row.count()).toBe(1);
  const text = await row.innerText();
  expect(text).toContain('Alice');
  expect(text).toContain('alice@example.com');
  expect(text).toContain('Chrome · Desktop · OS X');
  const counts = await row.locator('td.count').allInnerTexts();
  // pages, rage bursts (alice's three rage clicks are one burst), dead clicks, error clicks
  expect(counts).toEqual(['1', '1', '3', '0']);
  await page.close();
});

test('the replay page rebuilds the recording in a sandboxed iframe, with markers and facts', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${collector.url}/sessions`);
  await page.click('tr[data-session="o-demo.u-alice.s-1"] a');
  await page.waitForSelector('#replay[data-state="ready"]', { state: 'attached' });

  const iframe = page.locator('#replay iframe');
  expect(await iframe.getAttribute('sandbox')).toBe('allow-same-origin');
  const frame = page.frameLocator('#replay iframe');
  await expect.poll(() => frame.locator('#title').textContent()).toBe('Hello replay');

  // The recorded onclick handler must never run in the viewer.
  await frame.locator('button').dispatchEvent('click');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();

  expect(await page.locator('.timeline .marker.rage').count()).toBe(3);
  expect(await page.locator('.timeline .marker.navigate').count()).toBe(2);
  const facts = await page.locator('#facts li').allInnerTexts();
  expect(facts.some((fact) => fact.includes('Checkout Started'))).toBe(true);
  expect(facts.some((fact) => fact.includes('rage x3') && fact.includes('dead'))).toBe(true);
  expect(facts.some((fact) => fact.includes('boom'))).toBe(true);

  const screenshot = await page.locator('#replay').screenshot();
  expect(pngByteVariety(screenshot)).toBeGreaterThan(64);
  expect(errors).toEqual([]);
  await page.close();
});

test('the console and network panels list messages, errors and requests; filter, seek and follow the replay', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
  await page.goto(`${collector.url}/sessions/${encodeURIComponent('o-demo.u-alice.s-1')}`);
  await page.waitForSelector('#replay[data-state="ready"]', { state: 'attached' });
  await page.click('#play');

  const consoleRows = await page.locator('#console li').allInnerTexts();
  expect(consoleRows.map((row) => row.split(/\s+/)[2])).toEqual(['info', 'warn', 'error']);
  expect(consoleRows[1]).toContain('slow payment <img');
  expect(consoleRows[2]).toContain('boom');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();

  const network = page.locator('#network li');
  expect(await network.count()).toBe(4);
  expect(await page.locator('#network li.status-ok').innerText()).toMatch(/GET\s+200\s+48 ms\s+https:\/\/shop.example\/api\/cart/);
  expect(await page.locator('#network li.status-warn').innerText()).toContain('404');
  expect(await page.locator('#network li.status-error').count()).toBe(2);
  await page.check('#failed-only');
  expect(await page.locator('#network li:visible').count()).toBe(3);

  // A click seeks the replay to the entry's moment; the entry of that moment is highlighted.
  await page.locator('#network li.status-error').first().click();
  await expect.poll(() => page.locator('#network li.current').innerText()).toContain('/api/pay');
  await expect.poll(() => page.locator('#console li.current').innerText()).toContain('cart loaded');
  // UPDATE_SCREENSHOTS=1 refreshes the picture docs/collector.md shows.
  const panels = await page.locator('.devtools').screenshot({ path: process.env.UPDATE_SCREENSHOTS ? 'docs/viewer-devtools.png' : undefined });
  expect(pngByteVariety(panels)).toBeGreaterThan(64);
  await page.close();
});
