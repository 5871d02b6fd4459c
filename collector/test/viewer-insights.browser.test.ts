import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../test/helpers/chromium';
import { startTestCollector, type TestCollector } from './fixtures';
import { COUNTS, DAY, DAY1, HOSTILE_TEXT, insightsBundles, SELECTORS } from './insights-fixture';

/** Insights and click maps (issue 18, items 4 and 5) in Chromium, over stored clicks of known counts (insights-fixture.ts). */
let browser: Browser;
let collector: TestCollector;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const RANGE = `from=${isoDay(DAY1)}&until=${isoDay(DAY1 + DAY)}`;

beforeAll(async () => {
  [browser, collector] = await Promise.all([launchChromium(), startTestCollector()]);
  for (const bundle of insightsBundles()) expect(await collector.send(bundle)).toMatchObject({ status: 200 });
});
afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(`${collector.url}${path}`);
  return { page, errors };
}

const cells = (page: Page, row: string) => page.locator(row).locator('td').allInnerTexts();

test('the insights page charts frustration per day and lists the most rage- and dead-clicked elements and the pages', async () => {
  const { page, errors } = await open(`/insights?${RANGE}`);
  const chart = page.locator('#frustration-chart');
  await expect.poll(() => chart.getAttribute('data-points')).toBe('2');
  expect(await chart.getAttribute('data-series')).toBe('3');
  expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
  const data = JSON.parse((await page.locator('#insights-data').textContent())!);
  // Day one: Ann's burst, two dead clicks; day two: Ben's burst, one dead click, one error click.
  expect(data.series).toEqual([['Rage bursts', [1, 1]], ['Dead clicks', [2, 1]], ['Error clicks', [0, 1]]]);
  // uPlot's legend names the three series beside the x axis.
  expect(await chart.locator('.u-legend .u-series').count()).toBe(4);

  const rage = await cells(page, `table.rage tr[data-selector="${SELECTORS.b}"]`);
  expect(rage[0]).toContain('Apply coupon');
  expect(rage[1]).toBe('https://shop.example/product');
  expect(rage[2]).toBe(String(COUNTS.rageBursts));
  expect(await page.locator(`table.rage tr[data-selector="${SELECTORS.b}"] a[href^="/sessions/"]`).count()).toBe(2);
  expect(await page.locator('table.rage tbody tr').count()).toBe(1);
  expect((await cells(page, `table.dead tr[data-selector="${SELECTORS.c}"]`))[2]).toBe(String(COUNTS.c));

  expect(await cells(page, 'table.pages tr[data-page="https://shop.example/product"]')).toEqual(['https://shop.example/product', '2', '1', '45 s']);
  expect(await cells(page, 'table.pages tr[data-page="https://shop.example/cart"]')).toEqual(['https://shop.example/cart', '1', '2', '20 s']);
  if (process.env.VIEWER_SCREENSHOTS) writeFileSync('docs/viewer-insights.png', await page.screenshot({ fullPage: true }));
  expect(errors).toEqual([]);
  await page.close();
});

test('a page of the insights opens its click map: counts per element, rage and dead marked, heat drawn, scroll depth', async () => {
  const { page, errors } = await open(`/insights?${RANGE}`);
  const eventRequests: string[] = [];
  page.on('request', (request) => request.url().includes('/events.json') && eventRequests.push(request.url()));
  await page.click('table.pages tr[data-page="https://shop.example/product"] a');
  const stage = page.locator('#clickmap');
  await expect.poll(() => stage.getAttribute('data-state')).toBe('ready');
  // Every click on the product pages is drawn: on its element, or at its coordinates when the snapshot lacks the element.
  expect(await stage.getAttribute('data-by-element')).toBe(String(COUNTS.a + COUNTS.b + COUNTS.c));
  expect(await stage.getAttribute('data-by-coordinates')).toBe(String(COUNTS.gone));
  // The snapshot comes from the latest product page view (Ben's), read a page of events.json at a time.
  expect(eventRequests).toHaveLength(1);
  expect(eventRequests[0]).toMatch(/\/sessions\/o-demo\.u-ben\.s-2\/events\.json\?limit=\d+$/);

  const counts = async (selector: string) => (await cells(page, `table.elements tr[data-selector="${selector}"]`)).slice(1);
  // clicks, rage bursts, dead, error
  expect(await counts(SELECTORS.a)).toEqual([String(COUNTS.a), '0', '0', String(COUNTS.errorClicks)]);
  expect(await counts(SELECTORS.b)).toEqual([String(COUNTS.b), String(COUNTS.rageBursts), '0', '0']);
  expect(await counts(SELECTORS.c)).toEqual([String(COUNTS.c), '0', String(COUNTS.c), '0']);
  // The recorded text is shown as text: `Buy <now>` makes no element.
  expect((await cells(page, `table.elements tr[data-selector="${SELECTORS.a}"]`))[0]).toContain('Buy <now>');
  expect(await page.locator('now').count()).toBe(0);
  // Hostile selectors and texts stay text, and the recorded script and handler never run.
  expect(await page.locator('table.elements').innerText()).toContain(HOSTILE_TEXT);
  expect(await page.locator('main img, main script:not([type="application/json"]):not([src])').count()).toBe(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();

  // The overlay: heat on A, a red rage ring around B's clicks, a dark cross on C, nothing far from every click.
  const pixel = (x: number, y: number) => page.evaluate(([px, py]) => Array.from((document.getElementById('heat') as HTMLCanvasElement).getContext('2d')!.getImageData(px, py, 1, 1).data), [x, y]);
  const [, , , heatAlpha] = await pixel(200, 130);
  expect(heatAlpha).toBeGreaterThan(0);
  const [red, green, blue] = await pixel(509, 130);
  expect([red > 150, green < 90, blue < 90]).toEqual([true, true, true]);
  const [darkRed, darkGreen, darkBlue, darkAlpha] = await pixel(200, 430);
  expect(darkAlpha).toBe(255);
  expect(Math.max(darkRed, darkGreen, darkBlue)).toBeLessThan(90);
  expect((await pixel(950, 1900))[3]).toBe(0);
  // The snapshot is rebuilt in rrweb's sandboxed frame, scripts off, as tall as the page.
  const frame = page.locator('#clickmap iframe');
  expect(await frame.getAttribute('sandbox')).not.toContain('allow-scripts');
  expect(Number(await frame.getAttribute('height'))).toBe(2000);

  // Scroll depth: Ann reached 100 %, Ben 50 %.
  const share = async (depth: number) => (await cells(page, `table.scroll tr[data-depth="${depth}"]`))[1];
  expect([await share(0), await share(50), await share(60), await share(100)]).toEqual(['100 %', '100 %', '50 %', '50 %']);
  await expect.poll(() => page.locator('#scroll-chart').getAttribute('data-points')).toBe('11');
  expect(await page.locator('#scroll-chart canvas').count()).toBeGreaterThan(0);
  if (process.env.VIEWER_SCREENSHOTS) writeFileSync('docs/viewer-clickmap.png', await page.screenshot({ fullPage: true }));
  // Recorded scripts, if the rebuild kept any, are refused by the frame's sandbox; nothing else went wrong.
  expect(errors.filter((error) => !/^Blocked script execution .* sandboxed/.test(error))).toEqual([]);
  await page.close();
});

test('a path pattern maps the same page; a page never recorded says so', async () => {
  const { page } = await open(`/insights/clickmap?page=${encodeURIComponent('https://shop.example/prod*')}&${RANGE}`);
  await expect.poll(() => page.locator('#clickmap').getAttribute('data-state')).toBe('ready');
  expect((await cells(page, `table.elements tr[data-selector="${SELECTORS.b}"]`))[1]).toBe(String(COUNTS.b));
  await page.goto(`${collector.url}/insights/clickmap?page=/nowhere&${RANGE}`);
  expect(await page.locator('.empty').innerText()).toContain('No recording of this page');
  await page.close();
});
