import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { useRecordedSite } from './recorded-site';

/**
 * The click map of a page recorded by the real fs.js: the SDK's selectors find their elements in the
 * rebuilt snapshot, so every click is placed on its element, with the counts the clicks made.
 */
const SITE_ROOT = fileURLToPath(new URL('./e2e-site', import.meta.url));
const recorded = useRecordedSite(SITE_ROOT);
/** Clicks on "Add to cart", spaced so that they never form a rage series (heuristics' RAGE_MAX_GAP_MS, 1 s). */
const ADD_CLICKS = 2;
const RAGE_GAP_MS = 1000;
/** Rapid clicks on the "Free shipping" label, which answers nothing: one rage burst of dead clicks. */
const DEAD_CLICKS = 4;
/** A click is judged once its window (heuristics' CLICK_WINDOW_MS, 2.5 s) has closed. */
const CLICK_WINDOW_MS = 2500;

test('a recorded page: its click map places every click on its element, with the counts and rage burst the clicks made', async () => {
  const { collector, site, newContext } = recorded();
  const context = await newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  const url = `${site.url}/index.html`;
  await page.goto(url);
  await page.waitForFunction(() => typeof (window as any).FS === 'function' && !(window as any).FS.q);
  for (let i = 0; i < ADD_CLICKS; i++) {
    if (i > 0) await page.waitForTimeout(RAGE_GAP_MS + 100);
    await page.click('#add');
  }
  for (let i = 0; i < DEAD_CLICKS; i++) await page.click('#dead', { delay: 20 });
  await page.waitForTimeout(CLICK_WINDOW_MS + 500);
  // Leaving the page sends its swan song.
  await page.goto('about:blank');
  const orgId = collector.config().orgs[0].id;
  const clicks = async () => {
    let count = 0;
    for await (const click of collector.storage.clickFacts(orgId, 0, Date.now() + 1)) count += click.pageUrl === url ? 1 : 0;
    return count;
  };
  await expect.poll(clicks, { timeout: 20_000 }).toBe(ADD_CLICKS + DEAD_CLICKS);

  await page.goto(`${collector.url}/insights/clickmap?page=${encodeURIComponent(url)}`);
  const stage = page.locator('#clickmap');
  await expect.poll(() => stage.getAttribute('data-state'), { timeout: 20_000 }).toBe('ready');
  expect(await stage.getAttribute('data-by-element')).toBe(String(ADD_CLICKS + DEAD_CLICKS));
  expect(await stage.getAttribute('data-by-coordinates')).toBe('0');
  const row = (text: string) => page.locator('table.elements tbody tr', { hasText: text }).locator('td').allInnerTexts();
  // clicks, rage bursts, dead, error
  expect((await row('Add to cart')).slice(1)).toEqual([String(ADD_CLICKS), '0', '0', '0']);
  expect((await row('Free shipping')).slice(1)).toEqual([String(DEAD_CLICKS), '1', String(DEAD_CLICKS), '0']);
  await page.goto(`${collector.url}/insights`);
  expect(await page.locator('table.rage tbody tr').innerText()).toContain('Free shipping');
  await context.close();
});
