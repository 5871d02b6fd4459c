import type { Browser, ConsoleMessage } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FactPayloads, FactTag } from '../../src/facts';
import { bundleForBrowser } from '../helpers/bundle';
import { launchChromium } from '../helpers/chromium';
import { startTestServer, type TestServer } from '../helpers/server';

interface Fact {
  tag: FactTag;
  payload: FactPayloads[FactTag];
}

let browser: Browser;
let server: TestServer;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>telemetry</title></head>
<body style="margin:0">
<h1 style="font-size:64px">A page long enough to scroll</h1>
<button id="work">Work hard</button>
<div style="height:3000px"></div>
<script src="/page.js"></script>
<script>
  window.__facts = [];
  window.__consoleBefore = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  window.__telemetry = openstoryPage.startPage({ emit: (e) => __facts.push(e.data) });
  // A slow handler, so the interaction is long enough for INP to see it.
  window.boom = () => setTimeout(() => { throw new Error('uncaught boom'); });
  work.onclick = () => { const end = performance.now() + 120; while (performance.now() < end) {} work.textContent = 'done'; };
</script></body></html>`;

beforeAll(async () => {
  server = await startTestServer();
  server.pages.set('/page.js', await bundleForBrowser('src/page/index.ts', 'openstoryPage'));
  server.pages.set('/', PAGE);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('console counts, errors, load timings, web vitals and durations in Chromium; stop restores the console', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  const printed: Array<[string, string]> = [];
  page.on('console', (message: ConsoleMessage) => printed.push([message.type(), message.text()]));
  await page.goto(`${server.url}/`, { waitUntil: 'load' });

  await page.evaluate(() => {
    console.log('one', 1);
    console.info('two');
    console.warn('three');
    console.error('four');
    (window as unknown as { boom(): void }).boom();
    void Promise.reject(new Error('rejected'));
  });
  await page.waitForTimeout(300);
  await page.mouse.move(200, 200);
  await page.mouse.move(400, 300, { steps: 5 });
  await page.click('#work');
  await page.mouse.wheel(0, 4000);
  await page.waitForTimeout(500);

  // The page is hidden: web-vitals finalises LCP, CLS and INP; the transport's onHide calls flush().
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    (window as unknown as { __telemetry: { flush(): void } }).__telemetry.flush();
  });
  const facts = await page.evaluate(() => (window as unknown as { __facts: Fact[] }).__facts);
  const of = <T extends FactTag>(tag: T) => facts.filter((f) => f.tag === tag).map((f) => f.payload as FactPayloads[T]);

  // What the host printed is exactly what it logged.
  // (Chromium's own favicon 404 line aside.)
  expect(printed.filter(([, text]) => !text.startsWith('Failed to load resource'))).toEqual([['log', 'one 1'], ['info', 'two'], ['warning', 'three'], ['error', 'four']]);
  expect(of('console').at(-1)).toEqual({ PageNumInfos: 2, PageNumWarnings: 1, PageNumErrors: 3 });
  expect(of('error')).toEqual([
    expect.objectContaining({ kind: 'error', message: expect.stringContaining('uncaught boom'), EventWebSourceFileUrl: `${server.url}/` }),
    expect.objectContaining({ kind: 'unhandledrejection', message: 'Error: rejected' }),
  ]);

  const [load] = of('load');
  expect(load.LoadDomContentTime).toBeGreaterThan(0);
  expect(load.LoadEventTime).toBeGreaterThanOrEqual(load.LoadDomContentTime!);
  expect(load.LoadFirstPaintTime).toBeGreaterThan(0);

  const vitals = new Map(of('vital').map((v) => [v.name, v]));
  expect([...vitals.keys()].sort()).toEqual(['CLS', 'FCP', 'INP', 'LCP', 'TTFB']);
  expect(vitals.get('INP')!.value).toBeGreaterThanOrEqual(100);
  expect(vitals.get('FCP')!.value).toBeGreaterThan(0);

  const duration = of('duration').at(-1)!;
  expect(duration.PageActiveDuration).toBeGreaterThan(0);
  expect(duration.PageDuration).toBeGreaterThanOrEqual(duration.PageActiveDuration);
  expect(duration.PageMaxScrollDepthPercent).toBe(100);

  const restored = await page.evaluate(() => {
    const w = window as unknown as { __telemetry: { stop(): void }; __consoleBefore: Record<string, unknown>; __facts: unknown[] };
    w.__telemetry.stop();
    const same = (['log', 'info', 'warn', 'error'] as const).every((level) => console[level] === w.__consoleBefore[level]);
    const count = w.__facts.length;
    console.error('after stop');
    return { same, newFacts: w.__facts.length - count };
  });
  expect(restored).toEqual({ same: true, newFacts: 0 });
  await page.close();
});
