import { expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { QUICK_TRANSPORT, apiFactsOf, hidePage, useBrowserAndSite } from './harness';

const env = useBrowserAndSite();

type FSWindow = Window & { FS: any };

/** Init scripts that turn one privacy signal on, as a browser or extension would. */
const SIGNALS: Record<string, string> = {
  'navigator.doNotTrack = "1"': `Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' });`,
  'window.doNotTrack = "1"': `Object.defineProperty(window, 'doNotTrack', { value: '1' });`,
  'navigator.msDoNotTrack = "yes"': `Object.defineProperty(Navigator.prototype, 'msDoNotTrack', { get: () => 'yes' });`,
  'navigator.globalPrivacyControl = true': `Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });`,
};

/** Everything the page could have stored: cookies, Web Storage, IndexedDB databases. */
async function storedState(context: BrowserContext, page: Page) {
  const web = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    databases: (await indexedDB.databases()).map((db) => db.name),
  }));
  return { cookies: (await context.cookies()).map((cookie) => cookie.name), ...web };
}


async function visitWithSignal(signal: string, vars: Record<string, unknown> = {}) {
  const context = await env.browser.newContext();
  await context.addInitScript(SIGNALS[signal]);
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
  const path = `/gated-${Object.keys(SIGNALS).indexOf(signal)}-${Object.keys(vars).length}`;
  env.site.pages.set(path, await env.site.snippetPage({ vars: { _fs_org: 'o-gates', ...vars } }));
  await page.goto(`${env.site.url}${path}`);
  await page.evaluate(() => {
    const fs = (window as unknown as FSWindow).FS;
    fs.identify('u-1', { email: 'a@example.com' });
    fs.event('Clicked', { n: 1 });
    fs('trackEvent', { name: 'Other' });
    fs.consent(true);
  });
  await hidePage(page);
  return { context, page, requests };
}

for (const signal of Object.keys(SIGNALS)) {
  test(`with ${signal}: no request beyond the page, nothing stored, nothing recorded`, async () => {
    const { context, page, requests } = await visitWithSignal(signal);
    // The positive control below shows a recorded visit reaches the collector within this wait.
    await page.waitForTimeout(300);
    expect(requests).toEqual([`GET ${new URL(page.url()).pathname}`]);
    expect(await storedState(context, page)).toEqual({ cookies: [], local: 0, session: 0, databases: [] });
    expect(await page.evaluate(() => (window as unknown as FSWindow).FS.getCurrentSessionURL())).toBeNull();
    expect(env.site.bundles.filter((bundle) => bundle.orgId === 'o-gates')).toEqual([]);
    await context.close();
  });
}

test('honorDoNotTrack: false records despite the signal (and is the control for the tests above)', async () => {
  const { context, requests } = await visitWithSignal('navigator.doNotTrack = "1"', { _fs_options: { honorDoNotTrack: false } });
  await expect.poll(() => apiFactsOf(env.site.bundles.filter((bundle) => bundle.orgId === 'o-gates')).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  expect(requests).toContain('GET /fs.js');
  expect(requests).toContain('POST /rec/bundle');
  expect((await context.cookies()).map((cookie) => cookie.name).sort()).toEqual(['_os_consent', '_os_ses', '_os_uid']);
  await context.close();
});

test('fs.js loaded by another loader still records nothing under Do Not Track', async () => {
  const context = await env.browser.newContext();
  await context.addInitScript(SIGNALS['navigator.doNotTrack = "1"']);
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
  env.site.pages.set('/gated-direct', `<!doctype html><script>window._fs_org = 'o-gates-direct'; window._fs_host = ${JSON.stringify(env.site.url)}; window._fs_options = ${JSON.stringify({ transport: QUICK_TRANSPORT })};</script><script src="/fs.js"></script>`);
  await page.goto(`${env.site.url}/gated-direct`);
  await page.evaluate(() => (window as unknown as FSWindow).FS.event('Clicked'));
  await hidePage(page);
  await page.waitForTimeout(300);
  expect(requests).toEqual(['GET /gated-direct', 'GET /fs.js']);
  expect(await storedState(context, page)).toEqual({ cookies: [], local: 0, session: 0, databases: [] });
  await context.close();
});

test('_fs_capture_on_startup = false: no request to the collector and nothing stored until FS("start"), which records', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
  env.site.pages.set('/manual-start', await env.site.snippetPage({ vars: { _fs_org: 'o-manual', _fs_capture_on_startup: false } }));
  await page.goto(`${env.site.url}/manual-start`);
  await page.waitForFunction(() => !('q' in (window as unknown as FSWindow).FS));
  await page.evaluate(() => (window as unknown as FSWindow).FS.event('before start'));
  await hidePage(page);
  await page.waitForTimeout(300);
  expect(requests).toEqual(['GET /manual-start', 'GET /fs.js']);
  expect(await storedState(context, page)).toEqual({ cookies: [], local: 0, session: 0, databases: [] });
  expect(env.site.bundles.filter((bundle) => bundle.orgId === 'o-manual')).toEqual([]);

  await page.evaluate(() => {
    (window as unknown as FSWindow).FS('start');
    (window as unknown as FSWindow).FS.event('after start');
  });
  await hidePage(page);
  await expect.poll(() => apiFactsOf(env.site.bundles.filter((bundle) => bundle.orgId === 'o-manual')).map((fact) => fact.payload.EventCustomName), { timeout: 15_000 }).toContain('after start');
  expect(apiFactsOf(env.site.bundles.filter((bundle) => bundle.orgId === 'o-manual')).map((fact) => fact.payload.EventCustomName)).not.toContain('before start');
  await context.close();
});
