import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { startTestServer, type TestServer } from '../helpers/server';
import { startCollector, type Collector } from '@openstory/collector';
import { numbers, openPage, range, servePage, until } from './harness';

let browser: Browser;
let server: TestServer;
let collector: Collector;
const dataDir = mkdtempSync(join(tmpdir(), 'openstory-transport-'));

beforeAll(async () => {
  [browser, server, collector] = await Promise.all([launchChromium(), startTestServer(), startCollector({ dataDir })]);
  await servePage(server);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await collector?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The numbers of the test events the collector stored for a session, in stored order. */
async function storedNumbers(orgId: string, sessionId: string) {
  const events = [];
  for await (const bundle of collector.storage.sessionEvents(orgId, 'u-test', sessionId)) events.push(...JSON.parse(bundle.events));
  return numbers(events);
}

test('the real collector stores gzip bundles, identity swan-song pieces and split numbers, in order', async () => {
  const orgId = collector.config().orgs[0].id;
  const stored = () => storedNumbers(orgId, 's-test');
  const context = await browser.newContext();
  const live = await openPage(context, server, { host: collector.url, orgId, pageId: 'p-real', thresholds: { timeMs: 200 } });
  await live.evaluate(() => {
    for (let n = 0; n < 100; n++) window.emit(n, 200);
  });
  expect(await until(async () => (await stored()).length === 100)).toBe(true);
  // The tail: 200 events of ~1 KB pushed just before the page closes, more than a swan song carries.
  await live.evaluate(() => {
    for (let n = 100; n < 300; n++) window.emit(n, 1000);
  });
  await live.close({ runBeforeUnload: true });
  await openPage(context, server, { host: collector.url, orgId, pageId: 'p-next' });
  expect(await until(async () => (await stored()).length === 300), `stored ${(await stored()).length}`).toBe(true);
  expect(await stored()).toEqual(range(300));
  await context.close();
});

test("a page's fetch wrapper that adds a header does not stop uploads: the collector's preflight allows it", async () => {
  const orgId = collector.config().orgs[0].id;
  const stored = () => storedNumbers(orgId, 's-wrapped');
  const context = await browser.newContext();
  const page = await context.newPage();
  const warnings: string[] = [];
  page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
  await page.goto(`${server.url}/`);
  await page.evaluate(
    ({ host, orgId }) => {
      // What tracing libraries do: every request of the page gets a header of theirs, which turns
      // our safelisted request into one that needs a preflight.
      const original = window.fetch;
      window.fetch = (input, init = {}) => original(input, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-trace-id': 'abc' } });
      window.startTestTransport({ host, orgId, pageId: 'p-wrapped', sessionId: 's-wrapped', thresholds: { timeMs: 200 }, backoff: { baseMs: 100, maxMs: 200 } });
    },
    { host: collector.url, orgId },
  );
  await page.evaluate(() => {
    for (let n = 0; n < 50; n++) window.emit(n, 200);
  });
  await page.waitForTimeout(500);
  await page.evaluate(() => {
    for (let n = 50; n < 100; n++) window.emit(n, 200);
  });
  expect(await until(async () => (await stored()).length === 100), `stored ${(await stored()).length}`).toBe(true);
  expect(await stored()).toEqual(range(100));
  expect(warnings.filter((text) => text.includes('[openstory]'))).toEqual([]);
  await context.close();
});
