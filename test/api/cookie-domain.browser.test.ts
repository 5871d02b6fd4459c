import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { apiFactsOf, useBrowserAndSite } from './harness';

// Two host names of one site, both answered by the loopback server.
const env = useBrowserAndSite(['--host-resolver-rules=MAP *.example.test 127.0.0.1']);

type FSWindow = Window & { FS: any };

async function visit(page: Page, host: string, path: string, event: string) {
  await page.goto(`http://${host}:${env.site.port}${path}`);
  await page.evaluate((name) => (window as unknown as FSWindow).FS.event(name), event);
  await expect.poll(() => apiFactsOf(env.site.bundles).find((fact) => fact.payload.EventCustomName === event), { timeout: 15_000 }).toBeDefined();
  return apiFactsOf(env.site.bundles).find((fact) => fact.payload.EventCustomName === event)!;
}

test('with cookieDomain, a.example.test and b.example.test share one user and session', async () => {
  env.site.pages.set('/shared', await env.site.snippetPage({ vars: { _fs_org: 'o-shared', _fs_options: { cookieDomain: 'example.test' } } }));
  const context = await env.browser.newContext();
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
  env.site.pages.set('/separate', await env.site.snippetPage({ vars: { _fs_org: 'o-separate' } }));
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const onA = await visit(page, 'a.example.test', '/separate', 'alone on a');
  const onB = await visit(page, 'b.example.test', '/separate', 'alone on b');
  expect(onB.userId).not.toBe(onA.userId);
  await context.close();
});
