import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test/helpers/chromium';
import { startTestCollector, T0, type TestCollector } from './fixtures';
import { pngByteVariety } from './png';
import { aliceSession } from './session';

let browser: Browser;
let collector: TestCollector;

beforeAll(async () => {
  [browser, collector] = await Promise.all([launchChromium(), startTestCollector({ now: () => T0 + 7200_000 })]);
  for (const bundle of aliceSession()) expect((await collector.send(bundle)).status).toBe(200);
});
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
  // pages, rage, dead, error clicks
  expect(counts).toEqual(['1', '3', '3', '0']);
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
