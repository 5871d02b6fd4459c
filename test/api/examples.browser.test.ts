import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { launchChromium } from '../helpers/chromium';
import { apiFactsOf, factsOf, startCaptureSite, type CaptureSite } from './harness';

let browser: Browser;
let site: CaptureSite;

beforeAll(async () => {
  [browser, site] = await Promise.all([launchChromium(), startCaptureSite()]);
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** An example file as `npm start` serves it: the snippet variables pointed at the collector. */
async function serveExample(path: string) {
  const text = await readFile(`examples${path}`, 'utf8');
  site.pages.set(path, text.replaceAll('http://127.0.0.1:8091/fs.js', `${site.url}/fs.js`).replaceAll('http://127.0.0.1:8090', site.url));
}

const everything = () => JSON.stringify(site.bundles);

test('examples/script-tag: events, identify across pages, excluded text never sent', async () => {
  site.bundles.length = 0;
  for (const file of ['index.html', 'signup.html', 'account.html', 'snippet.js', 'style.css']) await serveExample(`/script-tag/${file}`);
  const page = await browser.newPage();
  await page.goto(`${site.url}/script-tag/index.html`);
  await page.click('.add[data-sku="rope-20"]');
  await page.click('text=Sign up');
  await page.fill('input[name=name]', 'Sam');
  await page.fill('input[name=email]', 'sam@example.com');
  await page.click('button[type=submit]');
  await page.waitForURL('**/account.html');
  await page.click('#upgrade');
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect.poll(() => apiFactsOf(site.bundles).map((fact) => fact.payload.EventCustomName ?? fact.tag), { timeout: 15_000 }).toEqual([
    'Product Added',
    'identity',
    'userVars',
    'Signed Up',
    'identity',
    'userVars',
    'Plan Upgraded',
  ]);
  const facts = apiFactsOf(site.bundles);
  expect(facts[0].payload.properties).toEqual({ sku_str: 'rope-20', price_real: 18.5, cart_size_int: 1 });
  expect(facts[1].payload.UserAppKey).toBe('user-sam');
  expect(facts[2].payload).toEqual({ UserDisplayName: 'Sam', UserEmail: 'sam@example.com', vars: { plan_str: 'free' } });
  expect(new Set(facts.map((fact) => fact.userId)).size).toBe(1);
  expect(new Set(facts.map((fact) => fact.sessionId)).size).toBe(1);
  expect(new Set(facts.map((fact) => fact.pageId)).size).toBe(3);
  expect(everything()).not.toContain('supplier margin');
  expect(await page.textContent('#session-link')).toMatch(new RegExp(`^${site.url}/sessions/o-demo\\.`));
  await page.close();
});

test('examples/spa: the package imported by an app, routing, identify on login, custom events', async () => {
  site.bundles.length = 0;
  await serveExample('/spa/index.html');
  const bundled = await build({
    entryPoints: ['examples/spa/app.js'],
    bundle: true,
    write: false,
    format: 'esm',
    alias: { openstory: './src/index.ts' },
    logLevel: 'silent',
  });
  site.pages.set('/spa/app.bundle.js', bundled.outputFiles[0].text);
  site.pages.set('/spa/', site.pages.get('/spa/index.html') ?? '');
  const page = await browser.newPage();
  await page.goto(`${site.url}/spa/`);
  await page.click('a[href="/spa/login"]');
  await page.click('#login button');
  await page.waitForURL('**/spa/notes');
  await page.fill('input[name=note]', 'Buy fenders');
  await page.click('#add button');
  await page.click('a[href="/spa/login"]');
  await page.click('#logout');
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect.poll(() => apiFactsOf(site.bundles).map((fact) => fact.payload.EventCustomName ?? fact.tag), { timeout: 15_000 }).toEqual([
    'identity',
    'userVars',
    'Logged In',
    'Note Added',
    'identity',
  ]);
  const facts = apiFactsOf(site.bundles);
  expect(facts[0].payload.UserAppKey).toBe('acct-river');
  expect(facts[4].payload.UserAppKey).toBeNull();
  expect(facts[4].userId).not.toBe(facts[0].userId);
  // Client-side routes are navigations within one page.
  const navigations = factsOf(site.bundles).filter((fact) => fact.tag === 'navigate' && fact.pageId === facts[0].pageId);
  expect(navigations.map((fact) => new URL(String(fact.payload.PageUrl)).pathname)).toEqual(expect.arrayContaining(['/spa/', '/spa/login', '/spa/notes']));
  expect(everything()).not.toContain('4417-2290');
  await page.close();
});
