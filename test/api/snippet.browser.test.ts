import { expect, test } from 'vitest';
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { apiFactsOf, useBrowserAndSite } from './harness';
import { EventType } from '../../src/lib/rrweb';

const env = useBrowserAndSite();

test('calls made before fs.js arrives reach the stream in order, in both API styles', async () => {
  env.site.bundles.length = 0;
  const release = env.site.holdScript();
  env.site.pages.set('/queued', await env.site.snippetPage());
  const page = await env.browser.newPage();
  await page.goto(`${env.site.url}/queued`, { waitUntil: 'domcontentloaded' });
  await page.evaluate(() => {
    const fs = (window as unknown as { FS: any }).FS;
    fs.identify('user-42', { displayName: 'Ada', email: 'ada@example.com', plan: 'pro' });
    fs.event('Cart Viewed', { items_int: 3 });
    fs('trackEvent', { name: 'Checkout', properties: { total: 9.5 } });
    fs.log('warn', 'low stock');
    fs('setProperties', { type: 'user', properties: { vip: true } });
  });
  expect(await page.evaluate(() => (window as unknown as { FS: { q: unknown[] } }).FS.q.length)).toBe(5);
  release();
  await expect.poll(() => apiFactsOf(env.site.bundles).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(6);
  const facts = apiFactsOf(env.site.bundles);
  expect(facts.map((fact) => fact.tag)).toEqual(['identity', 'userVars', 'custom', 'custom', 'log', 'userVars']);
  expect(facts[0].payload).toMatchObject({ UserAppKey: 'user-42', UserId: facts[0].userId });
  expect(facts[1].payload).toEqual({ UserDisplayName: 'Ada', UserEmail: 'ada@example.com', vars: { plan_str: 'pro' } });
  expect(facts[2].payload).toEqual({ EventCustomName: 'Cart Viewed', properties: { items_int: 3 } });
  expect(facts[3].payload).toEqual({ EventCustomName: 'Checkout', properties: { total_real: 9.5 } });
  expect(facts[4].payload).toEqual({ level: 'warn', message: 'low stock' });
  expect(facts[5].payload).toEqual({ vars: { vip_bool: true } });
  expect(await page.evaluate(() => (window as unknown as { FS: { q?: unknown } }).FS.q)).toBeUndefined();
  const url = await page.evaluate(() => (window as unknown as { FS: { getCurrentSessionURL(): string } }).FS.getCurrentSessionURL());
  expect(url).toBe(`${env.site.url}/sessions/o-test.${facts[0].userId}.${facts[0].sessionId}`);
  // The page record carries the browser's time zone, read after the start (api/pipeline.ts).
  const timeZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  expect(timeZone).not.toBe('');
  expect(env.site.bundles.find((bundle) => bundle.page)?.page?.timeZone).toBe(timeZone);
  await page.close();
});

test('two snippets on one page start one capture', async () => {
  env.site.bundles.length = 0;
  const doubled = await env.site.snippetPage({ copies: 2 });
  expect(doubled.split('_fs_namespace').length).toBeGreaterThan(2);
  env.site.pages.set('/twice', doubled);
  const page = await env.browser.newPage();
  const scripts: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/fs.js')) scripts.push(request.url());
  });
  await page.goto(`${env.site.url}/twice`);
  await page.evaluate(() => (window as unknown as { FS: { event(name: string): void } }).FS.event('Once'));
  // Pages of earlier tests may still deliver their last bundles here: look at this page's only.
  const captures = () => new Set(env.site.bundles.filter((bundle) => bundle.page?.url.endsWith('/twice')).map((bundle) => bundle.pageId));
  const thisPage = () => env.site.bundles.filter((bundle) => captures().has(bundle.pageId));
  await expect.poll(() => apiFactsOf(thisPage()).filter((fact) => fact.tag === 'custom').length, { timeout: 15_000 }).toBe(1);
  expect(scripts).toHaveLength(1);
  expect(captures().size).toBe(1);
  // One recorder: one Meta and one FullSnapshot.
  const types = thisPage().flatMap((bundle) => bundle.events.map((event) => event.type));
  expect(types.filter((type) => type === EventType.Meta)).toHaveLength(1);
  expect(types.filter((type) => type === EventType.FullSnapshot)).toHaveLength(1);
  await page.close();
});

test('the snippet is a few hundred bytes minified and gzipped', async () => {
  const result = await build({ entryPoints: ['src/api/snippet.ts'], bundle: true, minify: true, write: false, format: 'iife', target: 'es2019' });
  const code = result.outputFiles[0].text;
  expect(gzipSync(code).length).toBeLessThan(800);
});

test.each([
  ["require-trusted-types-for 'script'", 'any policy name'],
  ["require-trusted-types-for 'script'; trusted-types openstory", 'an allow-list naming openstory'],
])('under Trusted Types (%s: %s) the snippet loads fs.js without an error and records', async (policy) => {
  env.site.bundles.length = 0;
  const html = await env.site.snippetPage();
  const page = await env.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.route(`${env.site.url}/trusted`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', headers: { 'content-security-policy': policy }, body: html }),
  );
  await page.goto(`${env.site.url}/trusted`);
  await page.evaluate(() => (window as unknown as { FS: { event(name: string): void } }).FS.event('Trusted'));
  const thisPage = () => env.site.bundles.filter((bundle) => bundle.page?.url.endsWith('/trusted') || bundle.events.some((event) => JSON.stringify(event).includes('Trusted')));
  await expect.poll(() => apiFactsOf(thisPage()).filter((fact) => fact.tag === 'custom').length, { timeout: 15_000 }).toBe(1);
  expect(thisPage().flatMap((bundle) => bundle.events.map((event) => event.type))).toContain(EventType.FullSnapshot);
  expect(errors).toEqual([]);
  await page.close();
});
