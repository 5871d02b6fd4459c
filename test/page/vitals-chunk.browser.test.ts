import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { factsOf, hidePage, QUICK_TRANSPORT, useBrowserAndSite } from '../api/harness';

/*
 * The script-tag build as sites serve it (`npm test` builds dist/ first): dist/fs.js carries no
 * web-vitals code and imports dist/vitals.js from its own folder as capture starts; the vitals
 * then reach the collector as with the npm build. Without vitals.js beside it, capture goes on.
 */

const env = useBrowserAndSite();
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

async function servePage(folder: string, withVitals: boolean) {
  const [fsJs, vitalsJs] = await Promise.all([readFile(`${DIST}fs.js`, 'utf8'), readFile(`${DIST}vitals.js`, 'utf8')]);
  env.site.pages.set(`/${folder}/fs.js`, fsJs);
  if (withVitals) env.site.pages.set(`/${folder}/vitals.js`, vitalsJs);
  const options = { transport: QUICK_TRANSPORT };
  env.site.pages.set(
    `/${folder}/page.html`,
    `<!doctype html><html><head><script>window._fs_org = 'o-${folder}'; window._fs_host = '${env.site.url}'; window._fs_options = ${JSON.stringify(options)};</script>
     <script src="/${folder}/fs.js"></script></head>
     <body><h1>vitals</h1><button id="work">work</button></body></html>`,
  );
}

async function visit(folder: string): Promise<{ page: Page; requested: string[]; warnings: string[] }> {
  const page = await env.browser.newPage();
  const requested: string[] = [];
  const warnings: string[] = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  page.on('console', (message) => warnings.push(message.text()));
  await page.goto(`${env.site.url}/${folder}/page.html`, { waitUntil: 'load' });
  return { page, requested, warnings };
}

const vitalsOf = (org: string) =>
  factsOf(env.site.bundles.filter((bundle) => bundle.orgId === org))
    .filter((fact) => fact.tag === 'vital')
    .map((fact) => (fact.payload as { name: string }).name)
    .sort();

test('fs.js imports vitals.js from beside itself as capture starts; the vitals reach the collector', async () => {
  const fsJs = await readFile(`${DIST}fs.js`, 'utf8');
  // web-vitals' own observers are not in fs.js.
  expect(fsJs).not.toContain('largest-contentful-paint');
  expect(fsJs).not.toContain('layout-shift');
  await servePage('with-vitals', true);
  const { page, requested, warnings } = await visit('with-vitals');
  await expect.poll(() => requested).toContain('/with-vitals/vitals.js');
  await page.click('#work');
  await hidePage(page);
  // INP as well when web-vitals has read the click's timing in an idle moment before the page hid,
  // which headless Chromium does not promise (test/page/page.browser.test.ts measures INP).
  await expect.poll(() => vitalsOf('o-with-vitals').filter((name) => name !== 'INP'), { timeout: 15_000 }).toEqual(['CLS', 'FCP', 'LCP', 'TTFB']);
  expect(warnings.filter((text) => text.includes('internal error'))).toEqual([]);
  await page.close();
});

test('without vitals.js beside fs.js, capture goes on without vitals and says why once', async () => {
  await servePage('no-vitals', false);
  const { page, warnings } = await visit('no-vitals');
  await page.click('#work');
  await hidePage(page);
  await expect.poll(() => factsOf(env.site.bundles.filter((bundle) => bundle.orgId === 'o-no-vitals')).some((fact) => fact.tag === 'duration'), { timeout: 15_000 }).toBe(true);
  expect(vitalsOf('o-no-vitals')).toEqual([]);
  expect(warnings.filter((text) => text.includes('vitals.js'))).toHaveLength(1);
  await page.close();
});
