import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { bundleForBrowser } from '../../test/helpers/bundle';
import { startDemoSite } from '../src/index';
import { EXPORT_COLUMNS } from '../src/export/rows';
import { sessionEvents } from './fixtures';
import { pngByteVariety } from './png';
import { useRecordedSite } from './recorded-site';

const SITE_ROOT = fileURLToPath(new URL('./e2e-site', import.meta.url));
const EXAMPLES_ROOT = fileURLToPath(new URL('../../examples', import.meta.url));
const HOUR = 3600_000;
/** Added to the collector's clock once the session is recorded (ingest corrects skewed client clocks). */
let clockAhead = 0;

// Before the export the clock jumps an hour ahead, so the period holding this session has ended.
const recorded = useRecordedSite(SITE_ROOT, { now: () => Date.now() + clockAhead });

test('demo site with the real fs.js → session in the viewer → replay → export rows', async () => {
  const { collector, site, newContext } = recorded();
  const context = await newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${site.url}/index.html`);
  await page.waitForFunction(() => typeof (window as any).FS === 'function' && !(window as any).FS.q);

  await page.click('#add');
  // A label that looks clickable and does nothing: a rage series of dead clicks.
  for (let i = 0; i < 4; i++) await page.click('#dead', { delay: 20 });
  // A click is judged dead only once its response window (heuristics' CLICK_WINDOW_MS, 2.5 s) has closed.
  await page.waitForTimeout(3000);
  await page.fill('#email', 'bob@example.com');
  await page.evaluate(() => {
    const FS = (window as any).FS;
    FS.identify('customer-7', { displayName: 'Bob', email: 'bob@example.com', plan_str: 'gold' });
    FS.event('Checkout Started', { total_real: 9.5 });
  });
  await page.click('#checkout');
  // Leaving the page hides it: the transport sends its swan song.
  await page.goto('about:blank');

  const sessionsPage = await context.newPage();
  await expect
    .poll(async () => (await collector.storage.listSessions({ limit: 10 }))[0]?.rageClicks ?? 0, { timeout: 20_000 })
    .toBeGreaterThan(0);
  const [session] = await collector.storage.listSessions({ limit: 10 });
  expect(session.user).toMatchObject({ userAppKey: 'customer-7', displayName: 'Bob', email: 'bob@example.com' });
  expect(session.deadClicks).toBeGreaterThan(0);

  await sessionsPage.goto(`${collector.url}/sessions`);
  const row = sessionsPage.locator('table.sessions tbody tr').first();
  expect(await row.innerText()).toContain('Bob');
  await row.locator('a').click();
  await sessionsPage.waitForSelector('#replay[data-state="ready"]', { state: 'attached' });
  const frame = sessionsPage.frameLocator('#replay iframe');
  await expect.poll(() => frame.locator('body').textContent(), { timeout: 20_000 }).toContain('Shoes, 49 EUR');
  expect(await sessionsPage.locator('.timeline .marker.rage').count()).toBeGreaterThan(0);
  expect(pngByteVariety(await sessionsPage.locator('#replay').screenshot())).toBeGreaterThan(64);

  clockAhead = HOUR;
  const apiKey = collector.config().orgs[0].apiKeys[0];
  const api = (path: string) => fetch(`${collector.url}${path}`, { headers: { authorization: `Basic ${apiKey}` } });
  const { exports } = await (await api('/api/v1/export/list?start=0')).json();
  expect(exports.length).toBeGreaterThan(0);
  const rows = [];
  for (const { ID } of exports) rows.push(...(await (await api(`/api/v1/export/get?id=${ID}`)).json()));
  for (const row of rows) for (const column of EXPORT_COLUMNS) expect(row).toHaveProperty(column);
  const types = new Set(rows.map((row) => row.EventType));
  // `request`: the scripts the page loaded (snippet.js, fs.js), through Resource Timing.
  expect(types).toEqual(new Set(['navigate', 'click', 'change', 'custom', 'request']));
  expect(rows.filter((row) => row.EventType === 'request').some((row) => row.ReqUrl.endsWith('/fs.js'))).toBe(true);
  const add = rows.find((row) => row.EventType === 'click' && row.EventTargetText === 'Add to cart');
  expect(add).toMatchObject({ PageBrowser: 'Chrome', PageIp: '127.0.0.0', UserAppKey: 'customer-7', plan_str: 'gold', EventModDead: 0 });
  const rage = rows.filter((row) => row.EventType === 'click' && row.EventModFrustrated > 0);
  expect(rage.length).toBeGreaterThan(0);
  expect(rage.every((row) => row.EventTargetText === 'Free shipping')).toBe(true);
  expect(rage.some((row) => row.EventModDead === 1)).toBe(true);
  expect(rows.find((row) => row.EventType === 'custom')).toMatchObject({ EventCustomName: 'Checkout Started' });
  expect(rows.some((row) => row.EventType === 'navigate' && row.EventSubType === 'spa' && row.PageUrl.endsWith('/checkout'))).toBe(true);
  await context.close();
});

test("npm start's site: examples/script-tag, its snippet rewritten to the collector, records a session", async () => {
  const { collector, browser } = recorded();
  const fsScript = await bundleForBrowser('src/browser.ts', 'openstoryFs');
  const examples = await startDemoSite({ root: EXAMPLES_ROOT, collectorUrl: collector.url, orgId: 'o-demo', fsScript: async () => fsScript });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${examples.url}/script-tag/`);
    await page.waitForFunction(() => typeof (window as any).FS === 'function' && !(window as any).FS.q);
    for (let i = 0; i < 3; i++) await page.click('#checkout', { delay: 20 });
    await page.waitForTimeout(3000);
    await page.goto('about:blank');
    const fromExamples = async () => {
      for (const session of await collector.storage.listSessions({ limit: 10 })) {
        const facts = await collector.storage.sessionFacts(session.orgId, session.userId, session.sessionId);
        if (facts.some((fact) => fact.pageUrl.includes('/script-tag/'))) return { session, facts };
      }
      return undefined;
    };
    await expect.poll(async () => (await fromExamples())?.session.rageClicks ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    const { session } = (await fromExamples())!;
    const events = JSON.stringify(await sessionEvents(collector.storage, session.orgId, session.userId, session.sessionId));
    expect(events).toContain('Harbor Supplies');
    // The example's .fs-exclude paragraph never reaches the collector.
    expect(events).not.toContain('supplier margin');
  } finally {
    await context.close();
    await examples.close();
  }
});
