import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { apiFactsOf, fsScript, useBrowserAndSite } from './harness';

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

test('on https the cookies are Secure (and SameSite=Lax)', async () => {
  const origin = 'https://shop.example.test';
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const sent: string[] = [];
  // The whole https site, collector included, answered in the browser: no certificate needed.
  await page.route(`${origin}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/rec/bundle') {
      sent.push(path);
      return route.fulfill({ status: 200, contentType: 'application/json', body: '{"ok":true}' });
    }
    if (path === '/fs.js') return route.fulfill({ contentType: 'text/javascript', body: await fsScript() });
    return route.fulfill({ contentType: 'text/html', body: await env.site.snippetPage({ vars: { _fs_org: 'o-https', _fs_host: origin, _fs_script: `${origin}/fs.js` } }) });
  });
  await page.goto(`${origin}/`);
  await page.evaluate(() => (window as unknown as FSWindow).FS.event('secure'));
  await expect.poll(() => sent.length, { timeout: 15_000 }).toBeGreaterThan(0);
  const cookies = (await context.cookies(origin)).filter((cookie) => cookie.name.startsWith('_os_'));
  expect(cookies.map((cookie) => [cookie.name, cookie.secure, cookie.sameSite]).sort()).toEqual([
    ['_os_ses', true, 'Lax'],
    ['_os_uid', true, 'Lax'],
  ]);
  await context.close();
});
