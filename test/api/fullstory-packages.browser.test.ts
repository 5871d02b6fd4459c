/*
 * FullStory's own packages, unchanged, pointed at the built dist/fs.js and a real collector: the
 * 2.1 snippet text from @fullstory/snippet (what FullStory gives customers today), its 2.0 text,
 * and an app bundled from @fullstory/browser. The snippets hard-code `https://` for the script
 * URL, so the browser's request for `https://cdn.openstory.test/fs.js?org=…` is fulfilled by
 * page.route with dist/fs.js (no certificate needed); pages and the collector are plain http.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { generateSnippetText, generateSnippetTextV2 } from '@fullstory/snippet';
import { startCollector, type Collector } from '@openstory/collector';
import { launchChromium } from '../helpers/chromium';
import { bundleForBrowser } from '../helpers/bundle';
import { startTestServer, type TestServer } from '../helpers/server';
import { EXERCISE, V1_NPM_METHODS, V1_SNIPPET_METHODS } from './fixtures/fullstory-calls';
import { hidePage } from './harness';
import type { FSApi } from '../../src/api/types';

const SCRIPT = 'cdn.openstory.test/fs.js';
let browser: Browser;
let server: TestServer;
let collector: Collector;
let orgId: string;
const dataDir = mkdtempSync(join(tmpdir(), 'openstory-fullstory-'));

beforeAll(async () => {
  [browser, server, collector] = await Promise.all([launchChromium(), startTestServer(), startCollector({ dataDir })]);
  orgId = collector.config().orgs[0].id;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await collector?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Call {
  name: string;
  ok: boolean;
  result: unknown;
}

/** A page whose https requests for fs.js and telemetry.js get dist/'s, with its console problems collected. */
async function openPage(path: string, html: string): Promise<{ page: Page; problems: string[] }> {
  server.pages.set(path, html);
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  // fs.js imports telemetry.js from its own folder as capture starts.
  for (const file of ['fs.js', 'telemetry.js']) {
    await page.route(`https://${SCRIPT.replace('fs.js', file)}*`, async (route) =>
      route.fulfill({ body: await readFile(`dist/${file}`, 'utf8'), headers: { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' } }),
    );
  }
  await page.goto(`${server.url}${path}`);
  return { page, problems };
}

const snippetPage = (snippet: string, run: string) =>
  `<!doctype html><html><head><script>${snippet}</script><script>${EXERCISE}</script></head><body><p>shop</p><script>${run}</script></body></html>`;

/** The stored session a session URL (`…/sessions/<org>.<user>.<session>`) names, if it has arrived. */
function sessionOf(sessionUrl: string) {
  const [org, userId, sessionId] = sessionUrl.split('/sessions/')[1].split('.');
  return collector.storage.getSession(org, userId, sessionId);
}

const db = () => new Database(join(dataDir, 'openstory.sqlite'), { readonly: true });

/** What the collector holds for the user identified as `appKey`: user record, pages and export rows. */
async function stored(appKey: string) {
  const sessions = (await collector.storage.listSessions({ orgId, limit: 100 })).filter((session) => session.user.userAppKey === appKey);
  const session = sessions[0];
  if (!session) return null;
  const connection = db();
  const pages = connection
    .prepare('SELECT page_name AS name, page_vars AS vars FROM pages WHERE org_id = ? AND user_id = ? AND session_id = ?')
    .all(orgId, session.userId, session.sessionId) as Array<{ name: string | null; vars: string }>;
  connection.close();
  const events: string[] = [];
  // The page names the export rows carry (the Segment Export's PageName, collector/src/segment/fields.ts).
  const exportedPageNames = new Set<string | null>();
  for await (const record of collector.storage.exportRecords(orgId, 0, Date.now() + 60_000)) {
    if (record.sessionId !== session.sessionId) continue;
    exportedPageNames.add(record.page.pageName);
    if (record.fact.tag === 'custom') events.push(String(record.fact.payload.EventCustomName));
  }
  return { session, pages: pages.map((page) => ({ name: page.name, vars: JSON.parse(page.vars) })), events, exportedPageNames: [...exportedPageNames] };
}

async function exerciseAndCheck(page: Page, problems: string[], appKey: string) {
  const sessionUrl = await page.evaluate(() => (window as unknown as { __done: Promise<string> }).__done);
  expect(sessionUrl).toMatch(new RegExp(`^${collector.url}/sessions/${orgId}\\.u-[0-9a-f]+\\.s-[0-9a-f]+$`));
  const calls = await page.evaluate(() => (window as unknown as { __calls: Call[] }).__calls);
  expect(calls.filter((call) => !call.ok)).toEqual([]);
  const result = (name: string) => calls.find((call) => call.name === name)?.result;
  expect(result('getSession')).toBe(sessionUrl);
  expect(result('getSessionAsync url.now')).toMatch(new RegExp(`^${sessionUrl.replace(/[.?]/g, '\\$&')}\\?t=\\d+$`));
  expect(result('getSession id')).toMatch(/^u-[0-9a-f]+:s-[0-9a-f]+$/);
  expect(result('getCurrentSessionURL')).toBe(sessionUrl);
  expect(result('observe after start')).toEqual({});
  const observed = await page.evaluate(() => (window as unknown as { __observed: string[][] }).__observed);
  expect(observed.slice(0, 2)).toEqual([['start', sessionUrl], ['late start', sessionUrl]]);
  expect(observed.filter(([type]) => type === 'shutdown')).toHaveLength(2);
  // FullStory's own warning for an operation it does not know; nothing else.
  expect(problems).toEqual([expect.stringContaining("FS('notAnOperation') is not a known operation")]);
  await hidePage(page);
  await expect.poll(async () => (await stored(appKey))?.events.length ?? 0, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
  const kept = (await stored(appKey))!;
  expect(kept.session.user).toMatchObject({
    displayName: 'Grace',
    email: 'grace@example.com',
    vars: { plan_str: 'team', seats_real: 5, onboarded_bool: true, team_str: 'red' },
  });
  expect(kept.events).toEqual(['Checkout Started', 'Coupon Applied', 'Async Event']);
  // consent(true) begins a new page record (the page's properties carry over); start/restart after shutdown continue it.
  expect(kept.session.pages).toBe(2);
  expect(kept.pages.map((stored) => stored.name)).toEqual(['Checkout', 'Checkout']);
  expect(kept.exportedPageNames).toEqual(['Checkout']);
  expect(kept.pages.map((stored) => stored.vars)).toContainEqual({ step_real: 2, section_str: 'cart' });
}

test("@fullstory/snippet 2.1's generated snippet records every documented call", async () => {
  const snippet = generateSnippetText({ orgId, host: collector.url, script: SCRIPT, namespace: 'FS' });
  const { page, problems } = await openPage('/v2-1', snippetPage(snippet, `window.__done = window.__exercise(FS, ${JSON.stringify(V1_SNIPPET_METHODS)}, 'grace-21');`));
  await exerciseAndCheck(page, problems, 'grace-21');
  await page.close();
});

test("@fullstory/snippet's 2.0 snippet text (window._fs_* variables) records every documented call", async () => {
  const snippet = generateSnippetTextV2({ orgId, host: collector.url, script: SCRIPT, namespace: 'FS' });
  const { page, problems } = await openPage('/v2-0', snippetPage(snippet, `window.__done = window.__exercise(FS, ${JSON.stringify(V1_SNIPPET_METHODS)}, 'grace-20');`));
  await exerciseAndCheck(page, problems, 'grace-20');
  await page.close();
});

/**
 * An app bundled from @fullstory/browser (or, migrated, from openstory's package root): init with a
 * ready callback, then its `FullStory` API.
 */
const npmApp = async (options: object, run: string, entry = 'node_modules/@fullstory/browser/dist/index.esm.js') =>
  snippetPage(
    `${await bundleForBrowser(entry, '__fullstoryBrowser')}
     window.__ready = new Promise(function (resolve) {
       __fullstoryBrowser.init(${JSON.stringify({ orgId, host: collector.url, script: SCRIPT, ...options })}, resolve);
     });`,
    run,
  );

test('an app bundled from @fullstory/browser 2.1 records every call its FullStory API carries; readyCallback fires', async () => {
  const { page, problems } = await openPage(
    '/npm',
    await npmApp({}, `window.__done = window.__exercise(__fullstoryBrowser.FullStory, ${JSON.stringify(V1_NPM_METHODS)}, 'grace-npm');`),
  );
  await exerciseAndCheck(page, problems, 'grace-npm');
  const ready = await page.evaluate(() => (window as unknown as { __ready: Promise<{ sessionUrl: string }> }).__ready);
  expect(ready.sessionUrl).toMatch(new RegExp(`^${collector.url}/sessions/${orgId}\\.`));
  expect(await page.evaluate(() => (window as unknown as { __fullstoryBrowser: { isInitialized(): boolean } }).__fullstoryBrowser.isInitialized())).toBe(true);
  await page.close();
});

test('@fullstory/browser with startCaptureManually: nothing reaches the collector before FS("start")', async () => {
  const { page, problems } = await openPage(
    '/manual',
    await npmApp({ startCaptureManually: true }, `__fullstoryBrowser.FullStory('trackEvent', { name: 'Too Early', properties: {} });`),
  );
  // This page's own requests to the collector: other tests' pages share the collector and may still deliver.
  let collectorRequests = 0;
  page.on('request', (request) => request.url().startsWith(collector.url) && collectorRequests++);
  await page.waitForFunction(() => !('q' in (window as unknown as { FS: object }).FS));
  await hidePage(page);
  await page.waitForTimeout(1000);
  expect(collectorRequests).toBe(0);
  await page.evaluate(() => (window as unknown as { FS(op: string): void }).FS('start'));
  const ready = await page.evaluate(() => (window as unknown as { __ready: Promise<{ sessionUrl: string }> }).__ready);
  expect(ready.sessionUrl).toContain('/sessions/');
  await page.evaluate(() => (window as unknown as { FS(op: string, options: object): void }).FS('trackEvent', { name: 'After Start', properties: {} }));
  await hidePage(page);
  await expect.poll(() => sessionOf(ready.sessionUrl), { timeout: 20_000 }).toBeDefined();
  expect(problems).toEqual([]);
  await page.close();
});

test("migrating from @fullstory/browser is changing the import path: openstory's init, FullStory, isInitialized", async () => {
  const { page, problems } = await openPage(
    '/migrated',
    await npmApp(
      {},
      `__fullstoryBrowser.init({ orgId: 'o-again', host: 'elsewhere' });
       window.__done = window.__exercise(__fullstoryBrowser.FullStory, ${JSON.stringify(V1_SNIPPET_METHODS)}, 'grace-migrated');`,
      'src/index.ts',
    ),
  );
  const again = problems.splice(0, 1);
  expect(again).toEqual(['[openstory] FullStory init has already been called once, additional invocations are ignored']);
  await exerciseAndCheck(page, problems, 'grace-migrated');
  const ready = await page.evaluate(() => (window as unknown as { __ready: Promise<{ sessionUrl: string }> }).__ready);
  expect(ready.sessionUrl).toMatch(new RegExp(`^${collector.url}/sessions/${orgId}\\.`));
  expect(await page.evaluate(() => typeof (window as unknown as { FS: unknown }).FS)).toBe('function');
  await page.close();
});

test('fs.js in a same-origin iframe whose parent records joins the parent: one session, one capture', async () => {
  const snippet = generateSnippetText({ orgId, host: collector.url, script: SCRIPT, namespace: 'FS' });
  server.pages.set('/frame', `<!doctype html><html><head><script>${snippet}</script></head><body><p>inner</p></body></html>`);
  const { page, problems } = await openPage(
    '/parent',
    snippetPage(snippet, `FS('observe', { type: 'start', callback: function () {
      var frame = document.createElement('iframe'); frame.src = '/frame'; document.body.appendChild(frame);
    } });`),
  );
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame!.waitForFunction(() => typeof (window as unknown as { FS: { getCurrentSessionURL?: unknown } }).FS.getCurrentSessionURL === 'function');
  const urls = await Promise.all([page, frame!].map((target) => target.evaluate(() => (window as unknown as { FS: FSApi }).FS.getCurrentSessionURL())));
  expect(urls[1]).toBe(urls[0]);
  await frame!.evaluate(() => (window as unknown as { FS: FSApi }).FS.event('From The Frame'));
  await hidePage(page);
  await expect.poll(() => sessionOf(urls[0]!), { timeout: 20_000 }).toBeDefined();
  // A second capture would share the cookies' session but add a page record of its own.
  await page.waitForTimeout(500);
  expect(await sessionOf(urls[0]!)).toMatchObject({ pages: 1 });
  expect(problems).toEqual([]);
  await page.close();
});
