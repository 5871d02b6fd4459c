import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { apiFactsOf, startCaptureSite, type CaptureSite } from './harness';

let browser: Browser;
let site: CaptureSite;

// Two host names of one site, both answered by the loopback server.
beforeAll(async () => {
  [browser, site] = await Promise.all([launchChromium(['--host-resolver-rules=MAP *.example.test 127.0.0.1']), startCaptureSite()]);
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

type FSWindow = Window & { FS: any };

async function visit(page: Page, host: string, path: string, event: string) {
  await page.goto(`http://${host}:${site.port}${path}`);
  await page.evaluate((name) => (window as unknown as FSWindow).FS.event(name), event);
  await expect.poll(() => apiFactsOf(site.bundles).find((fact) => fact.payload.EventCustomName === event), { timeout: 10_000 }).toBeDefined();
  return apiFactsOf(site.bundles).find((fact) => fact.payload.EventCustomName === event)!;
}

test('with cookieDomain, a.example.test and b.example.test share one user and session', async () => {
  site.pages.set('/shared', await site.snippetPage({ vars: { _fs_org: 'o-shared', _fs_options: { cookieDomain: 'example.test' } } }));
  const context = await browser.newContext();
  const page = await context.newPage();
  const onA = await visit(page, 'a.example.test', '/shared', 'on a');
  const onB = await visit(page, 'b.example.test', '/shared', 'on b');
  expect(onB.userId).toBe(onA.userId);
  expect(onB.sessionId).toBe(onA.sessionId);
  const cookie = (await context.cookies('http://b.example.test')).find((c) => c.name === '_os_uid');
  expect(cookie).toMatchObject({ domain: '.example.test', sameSite: 'Lax', secure: false });
  // About a year.
  expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(360 * 24 * 3600 * 1000);
  await context.close();
});

test('without it, each host name has its own user', async () => {
  site.pages.set('/separate', await site.snippetPage({ vars: { _fs_org: 'o-separate' } }));
  const context = await browser.newContext();
  const page = await context.newPage();
  const onA = await visit(page, 'a.example.test', '/separate', 'alone on a');
  const onB = await visit(page, 'b.example.test', '/separate', 'alone on b');
  expect(onB.userId).not.toBe(onA.userId);
  await context.close();
});
