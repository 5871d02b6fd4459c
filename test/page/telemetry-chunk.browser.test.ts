import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { factsOf, hidePage, QUICK_TRANSPORT, useBrowserAndSite } from '../api/harness';

/*
 * The script-tag build as sites serve it (`npm test` builds dist/ first): dist/fs.js carries no
 * console, network or web-vitals code and imports dist/telemetry.js from its own folder as capture
 * starts. What the page does before it arrives is not lost: uncaught errors and rejections are
 * kept by fs.js, requests come from Resource Timing. Without telemetry.js beside it, capture goes on.
 */

const env = useBrowserAndSite();
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

async function servePage(folder: string, withTelemetry: boolean) {
  const [fsJs, telemetryJs] = await Promise.all([readFile(`${DIST}fs.js`, 'utf8'), readFile(`${DIST}telemetry.js`, 'utf8')]);
  env.site.pages.set(`/${folder}/fs.js`, fsJs);
  if (withTelemetry) env.site.pages.set(`/${folder}/telemetry.js`, telemetryJs);
  env.site.pages.set(`/${folder}/data.json`, '{"items":[1,2,3]}');
  const options = { transport: QUICK_TRANSPORT };
  env.site.pages.set(
    `/${folder}/page.html`,
    `<!doctype html><html><head><script>window._fs_org = 'o-${folder}'; window._fs_host = '${env.site.url}'; window._fs_options = ${JSON.stringify(options)};</script>
     <script src="/${folder}/fs.js"></script></head>
     <body><h1>telemetry</h1><button id="work">work</button>
     <script>
       // What the page itself heard of, so the test knows both errors happened.
       window.__errors = 0;
       addEventListener('error', () => __errors++);
       addEventListener('unhandledrejection', () => __errors++);
     </script></body></html>`,
  );
}

/** Opens the page; with `held`, the browser's request for telemetry.js waits for it. */
async function visit(folder: string, held?: Promise<void>): Promise<{ page: Page; requested: string[]; warnings: string[] }> {
  const page = await env.browser.newPage();
  const requested: string[] = [];
  const warnings: string[] = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  page.on('console', (message) => warnings.push(message.text()));
  if (held) {
    await page.route(`**/${folder}/telemetry.js`, async (route) => {
      await held;
      await route.continue();
    });
  }
  await page.goto(`${env.site.url}/${folder}/page.html`, { waitUntil: held ? 'domcontentloaded' : 'load' });
  return { page, requested, warnings };
}

const factsOfOrg = (org: string) => factsOf(env.site.bundles.filter((bundle) => bundle.orgId === org));
const payloadsOf = (org: string, tag: string) => factsOfOrg(org).filter((fact) => fact.tag === tag).map((fact) => fact.payload);
const vitalsOf = (org: string) => payloadsOf(org, 'vital').map((payload) => payload.name as string).sort();

test('fs.js imports telemetry.js from beside itself as capture starts; vitals, load timings, console and network capture reach the collector', async () => {
  const fsJs = await readFile(`${DIST}fs.js`, 'utf8');
  // web-vitals' observers, the console describer and the XHR patch are not in fs.js.
  for (const code of ['largest-contentful-paint', 'layout-shift', '[Circular]', 'xmlhttprequest']) expect(fsJs).not.toContain(code);
  await servePage('with-telemetry', true);
  const { page, requested, warnings } = await visit('with-telemetry');
  await expect.poll(() => requested).toContain('/with-telemetry/telemetry.js');
  // Console and network capture are in place once telemetry.js has run.
  await expect.poll(() => page.evaluate(() => String(console.warn).includes('[native code]'))).toBe(false);
  await page.evaluate(async () => {
    console.warn('late warning', { step: 2 });
    await fetch('/with-telemetry/data.json?late', { method: 'POST', body: 'x' });
  });
  await page.click('#work');
  await hidePage(page);
  const org = 'o-with-telemetry';
  // INP as well when web-vitals has read the click's timing in an idle moment before the page hid,
  // which headless Chromium does not promise (test/page/page.browser.test.ts measures INP).
  await expect.poll(() => vitalsOf(org).filter((name) => name !== 'INP'), { timeout: 15_000 }).toEqual(['CLS', 'FCP', 'LCP', 'TTFB']);
  await expect.poll(() => payloadsOf(org, 'log'), { timeout: 15_000 }).toContainEqual({ level: 'warn', message: 'late warning {step: 2}', console: 1 });
  // Navigation and Paint Timing keep the load's timings for telemetry.js to read after the fact.
  await expect.poll(() => payloadsOf(org, 'load'), { timeout: 15_000 }).toEqual([
    { LoadDomContentTime: expect.any(Number), LoadEventTime: expect.any(Number), LoadFirstPaintTime: expect.any(Number) },
  ]);
  // The patched fetch, once: Resource Timing leaves it to the patch.
  const late = payloadsOf(org, 'request').filter((payload) => String(payload.ReqUrl).endsWith('/data.json?late'));
  expect(late).toEqual([expect.objectContaining({ ReqMethod: 'POST', ReqStatus: 200, initiator: 'fetch', reqSize: 1 })]);
  expect(warnings.filter((text) => text.includes('internal error'))).toEqual([]);
  await page.close();
});

test('errors, rejections and fetches of the page before telemetry.js arrives reach the collector', async () => {
  await servePage('held', true);
  let release!: () => void;
  const held = new Promise<void>((done) => (release = done));
  const { page, requested } = await visit('held', held);
  await expect.poll(() => requested).toContain('/held/telemetry.js');
  await page.evaluate(async () => {
    setTimeout(() => {
      throw new Error('early boom');
    });
    void Promise.reject(new Error('early rejection'));
    await fetch('/held/data.json?early');
  });
  await page.waitForFunction(() => (window as unknown as { __errors: number }).__errors === 2);
  release();
  const org = 'o-held';
  await expect.poll(() => payloadsOf(org, 'error'), { timeout: 15_000 }).toEqual([
    expect.objectContaining({ kind: 'error', message: 'Uncaught Error: early boom' }),
    expect.objectContaining({ kind: 'unhandledrejection', message: 'Error: early rejection' }),
  ]);
  // Made before the patches, the fetch is reported once, from Resource Timing.
  await expect.poll(() => payloadsOf(org, 'request').filter((payload) => String(payload.ReqUrl).endsWith('/data.json?early')), { timeout: 15_000 }).toEqual([
    expect.objectContaining({ ReqMethod: 'GET', ReqStatus: 200, initiator: 'fetch' }),
  ]);
  await hidePage(page);
  await expect.poll(() => payloadsOf(org, 'console').at(-1), { timeout: 15_000 }).toEqual({ PageNumInfos: 0, PageNumWarnings: 0, PageNumErrors: 2 });
  await page.close();
});

test('without telemetry.js beside fs.js, capture goes on without console, network, load timings and vitals, and says why once', async () => {
  await servePage('no-telemetry', false);
  const { page, warnings } = await visit('no-telemetry');
  await page.click('#work');
  await hidePage(page);
  await expect.poll(() => factsOfOrg('o-no-telemetry').some((fact) => fact.tag === 'duration'), { timeout: 15_000 }).toBe(true);
  expect(vitalsOf('o-no-telemetry')).toEqual([]);
  expect(payloadsOf('o-no-telemetry', 'load')).toEqual([]);
  expect(warnings.filter((text) => text.includes('telemetry.js'))).toHaveLength(1);
  expect(warnings.filter((text) => text.includes('internal error'))).toEqual([]);
  await page.close();
});
