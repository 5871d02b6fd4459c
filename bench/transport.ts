/**
 * Transport benchmark: `npx tsx bench/transport.ts [--seconds 60]`.
 *
 * 1. Bytes on the wire. A scripted session (mouse, scroll, clicks that add and remove nodes,
 *    typing that filters a product grid, a modal, a form) runs on a storefront page recorded at
 *    once by rrweb's `record` and by openstory's recorder. Each stream goes through its own
 *    transport (default thresholds) to its own fake collector on 127.0.0.1, so both are
 *    batched and gzipped the same way; the collectors count the bytes of every request body.
 *    The openstory stream uses the transport's string table (docs/protocol.md, "String table");
 *    the rrweb stream goes through the same transport with the table off, as plain rrweb events.
 *    Then a multi-page session: several page loads of a small site sharing a real app's
 *    stylesheet, the same way, and both streams' gzip bytes by event kind (bench/wire-kinds.ts).
 * 2. Main-thread cost. The openstory stream captured in (1) is pushed again, at its original
 *    timing, into a transport alone on a blank page, with a PerformanceObserver for long tasks:
 *    any long task there is the transport's. The time spent inside push() is summed too.
 *
 * Results go to stdout as markdown; docs/transport.md records them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import type { eventWithTime } from '@rrweb/types';
import { launchChromium } from '../test/helpers/chromium';
import { bundleForBrowser } from '../test/helpers/bundle';
import { startTestServer, type TestServer } from '../test/helpers/server';
import { startFakeCollector, type FakeCollector } from '../test/transport/fake-collector';
import { loadRecorders, ROOT } from './recorders';
import { browse, shop, STORE_PAGE } from './storefront';
import { bytesByKind, kindRows } from './wire-kinds';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'page-seconds': { type: 'string', default: '10' },
    'string-chars': { type: 'string' },
    visits: { type: 'string', default: 'browse' },
  },
});
const SESSION_MS = Number(values.seconds) * 1000;
const PAGE_MS = Number(values['page-seconds']) * 1000;
/** The openstory stream's string threshold (transport default unless --string-chars). */
const STRING_CHARS = values['string-chars'] === undefined ? 'undefined' : Number(values['string-chars']);

const BLANK_PAGE = '<!doctype html><title>transport alone</title>';

/** The multi-page site: the storefront with a shared stylesheet, in four variants; the visits go through them. */
const SITE_PAGES: Record<string, number> = { '/site/shop': 80, '/site/new': 40, '/site/sale': 24, '/site/cart': 8 };
const VISITS = ['/site/shop', '/site/new', '/site/shop', '/site/sale', '/site/cart', '/site/shop'];

const sitePage = (path: string, products: number) =>
  STORE_PAGE.replace('<title>Shop</title>', `<title>${path}</title><link rel="stylesheet" href="/site/app.css">`).replace(
    'length: 80',
    `length: ${products}`,
  );

/**
 * The shared stylesheet: a real web app's, the main one of Playwright's trace viewer (uiMode.*.css,
 * about 55 KB in playwright-core 1.65), read where npm installed it. Its other stylesheets, one
 * twice as large among them, are left out: the comparison should not hang on the largest CSS at hand.
 */
function appStylesheet(): string {
  const dir = `${ROOT}/node_modules/playwright-core/lib/vite/traceViewer`;
  const css = readdirSync(dir).find((name) => name.startsWith('uiMode.') && name.endsWith('.css'));
  if (!css) throw new Error(`no uiMode stylesheet in ${dir}`);
  return readFileSync(`${dir}/${css}`, 'utf8');
}

/** One round of the scripted visitor; every step is something a shopper does. */
interface StreamResult {
  requests: number;
  wireBytes: number;
  events: number;
  jsonBytes: number;
  wholeGzipBytes: number;
}

function streamResult(collector: FakeCollector, pageId: string): StreamResult {
  const events = collector.events(pageId);
  const json = JSON.stringify(events);
  return {
    requests: collector.requests.length,
    wireBytes: collector.requests.reduce((sum, request) => sum + request.bytes, 0),
    events: events.length,
    jsonBytes: Buffer.byteLength(json),
    wholeGzipBytes: gzipSync(json).length,
  };
}

/** Page-side half of the benchmark, plain JavaScript (tsx's helpers do not exist in the page). */
const BENCH_SCRIPT = `
function startBenchTransport(host, pageId, thresholds) {
  return openstoryTransport.startTransport({
    host, orgId: 'o-bench', identity: () => ({ userId: 'u-bench', sessionId: 's-bench', pageId }), thresholds,
    page: { url: location.href, referrer: '', userAgent: navigator.userAgent, screenWidth: screen.width, screenHeight: screen.height,
      viewportWidth: innerWidth, viewportHeight: innerHeight, timeZone: 'UTC', language: navigator.language, startTime: Date.now() } });
}
function observeLongTasks() {
  const durations = [];
  new PerformanceObserver((list) => durations.push(...list.getEntries().map((entry) => entry.duration))).observe({ type: 'longtask' });
  return durations;
}
window.startSession = (oursUrl, theirsUrl, suffix = '') => {
  const start = performance.now();
  const ours = startBenchTransport(oursUrl, 'p-openstory' + suffix, { stringChars: ${STRING_CHARS} });
  // rrweb's events as they are: the string table off.
  const theirs = startBenchTransport(theirsUrl, 'p-rrweb' + suffix, { stringChars: Infinity });
  const captured = [];
  const longTasks = observeLongTasks();
  const stopOurs = openstoryRecorder.record({ emit: (event) => { captured.push([performance.now() - start, event]); ours.push(event); } });
  const stopTheirs = rrweb.record({ emit: (event) => theirs.push(event) });
  window.endSession = async () => {
    stopOurs();
    stopTheirs();
    await Promise.all([ours.flush(), theirs.flush()]);
    return { captured, longTasks };
  };
};
window.replay = async (host) => {
  const captured = window.captured;
  // Let the task that received the events (a long one) end before observing.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const longTasks = observeLongTasks();
  // Without a host: the same loop with nothing behind push(), the machine's own noise.
  const transport = host ? startBenchTransport(host, 'p-replay') : { push() {}, flush: async () => {} };
  const start = performance.now();
  let pushMs = 0;
  let maxPushMs = 0;
  for (const [at, event] of captured) {
    const wait = at - (performance.now() - start);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const before = performance.now();
    transport.push(event);
    const spent = performance.now() - before;
    pushMs += spent;
    maxPushMs = Math.max(maxPushMs, spent);
  }
  await transport.flush();
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { longTasks, pushMs, maxPushMs, pushes: captured.length };
};`;

/** Page loads of the site, one after another in one browser context (one session); each visit browses (or shops) for PAGE_MS. */
async function multiPageSession(browser: Browser, server: TestServer, scripts: string[]) {
  const [ours, theirs] = await Promise.all([startFakeCollector(), startFakeCollector()]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const started = Date.now();
  for (const [index, path] of VISITS.entries()) {
    const page = await context.newPage();
    await page.goto(`${server.url}${path}`);
    for (const content of scripts) await page.addScriptTag({ content });
    await page.evaluate(([oursUrl, theirsUrl, suffix]) => (window as any).startSession(oursUrl, theirsUrl, suffix), [ours.url, theirs.url, `-${index}`]);
    const visitStart = Date.now();
    for (let round = 0; Date.now() - visitStart < PAGE_MS; round++) await (values.visits === 'shop' ? shop : browse)(page, round);
    await page.evaluate(() => (window as any).endSession());
    await page.close();
  }
  const sessionMs = Date.now() - started;
  await context.close();
  return { ours, theirs, sessionMs };
}

const wireBytes = (collector: FakeCollector) => collector.requests.reduce((sum, request) => sum + request.bytes, 0);

/** The comparison table of one session: bytes on the wire, then gzip bytes by kind. */
function comparison(ours: FakeCollector, theirs: FakeCollector): string {
  const o = wireBytes(ours);
  const r = wireBytes(theirs);
  return `| kind | openstory | rrweb | openstory / rrweb |
|---|---|---|---|
| **bytes on the wire (${ours.requests.length} / ${theirs.requests.length} requests)** | **${(o / 1024).toFixed(1)} KiB** | **${(r / 1024).toFixed(1)} KiB** | **${(o / r).toFixed(2)}x** |
${kindRows(bytesByKind(ours.stored.values()), bytesByKind(theirs.stored.values()))}`;
}

interface ReplayCost {
  longTasks: number[];
  pushMs: number;
  maxPushMs: number;
  pushes: number;
}

async function main() {
  const notes: string[] = [];
  const [browser, server, ours, theirs, transportScript, recorders] = await Promise.all([
    launchChromium(),
    startTestServer(),
    startFakeCollector(),
    startFakeCollector(),
    bundleForBrowser('src/transport/index.ts', 'openstoryTransport'),
    loadRecorders(notes, { minify: false, floor: false }),
  ]);
  const { rrweb: rrwebScript, openstory: recorderScript } = recorders;
  if (!rrwebScript || !recorderScript) throw new Error(`both recorders are needed: ${notes.join(' ')}`);
  server.pages.set('/shop', STORE_PAGE);
  server.pages.set('/blank', BLANK_PAGE);
  server.pages.set('/site/app.css', appStylesheet());
  for (const [path, products] of Object.entries(SITE_PAGES)) server.pages.set(path, sitePage(path, products));
  try {
    // 1. The session, recorded by both recorders, each stream through its own transport.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/shop`);
    for (const content of [transportScript, rrwebScript, recorderScript, BENCH_SCRIPT]) await page.addScriptTag({ content });
    await page.evaluate(([oursUrl, theirsUrl]) => (window as any).startSession(oursUrl, theirsUrl), [ours.url, theirs.url]);
    const started = Date.now();
    for (let round = 0; Date.now() - started < SESSION_MS; round++) await shop(page, round);
    const sessionMs = Date.now() - started;
    const { captured, longTasks: sessionLongTasks } = (await page.evaluate(() => (window as any).endSession())) as {
      captured: Array<[number, eventWithTime]>;
      longTasks: number[];
    };
    await context.close();

    // 2. The openstory stream again, at its original timing, into a transport alone.
    const replayContext = await browser.newContext();
    const replay = await replayContext.newPage();
    await replay.goto(`${server.url}/blank`);
    for (const content of [transportScript, BENCH_SCRIPT]) await replay.addScriptTag({ content });
    const replayCollector = await startFakeCollector();
    await replay.evaluate((events) => ((window as any).captured = events), captured as unknown);
    const cost = (await replay.evaluate((host) => (window as any).replay(host), replayCollector.url)) as ReplayCost;
    const control = (await replay.evaluate(() => (window as any).replay(''))) as ReplayCost;
    await replayContext.close();
    await replayCollector.close();

    const site = await multiPageSession(browser, server, [transportScript, rrwebScript, recorderScript, BENCH_SCRIPT]);

    const o = streamResult(ours, 'p-openstory');
    const r = streamResult(theirs, 'p-rrweb');
    const perMinute = (bytes: number) => Math.round((bytes * 60_000) / sessionMs);
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    const row = (name: string, s: StreamResult) =>
      `| ${name} | ${s.events} | ${kb(s.jsonBytes)} | ${s.requests} | ${kb(s.wireBytes)} | ${kb(perMinute(s.wireBytes))} | ${kb(s.wholeGzipBytes)} | ${(s.jsonBytes / s.wireBytes).toFixed(1)}x |`;
    const over50 = cost.longTasks.filter((duration) => duration > 50);
    console.log(`Session: ${(sessionMs / 1000).toFixed(1)} s of scripted shopping on a storefront page (80 product cards), Chromium ${browser.version()}.
Both recorders ran at once on the same session; each stream went through its own openstory transport (default thresholds: 512 Ki characters / 5 s).

| stream | events | JSON | requests | bytes on the wire | per minute | whole stream in one gzip | JSON / wire |
|---|---|---|---|---|---|---|---|
${row('openstory recorder', o)}
${row('rrweb record', r)}

Main thread, the openstory stream replayed at its original timing into a transport alone:
${cost.pushes} push() calls took ${cost.pushMs.toFixed(1)} ms in total (max ${cost.maxPushMs.toFixed(2)} ms for one call);
long tasks during the replay: ${cost.longTasks.length} (${over50.length} over 50 ms${cost.longTasks.length ? `, longest ${Math.max(...cost.longTasks).toFixed(0)} ms` : ''});
the same replay with nothing behind push() (the machine's own noise): ${control.longTasks.length} long tasks${control.longTasks.length ? `, longest ${Math.max(...control.longTasks).toFixed(0)} ms` : ''}.
Long tasks during the recorded session (both recorders and transports together): ${sessionLongTasks.length}${sessionLongTasks.length ? `, longest ${Math.max(...sessionLongTasks).toFixed(0)} ms` : ''}.

The storefront session by kind (each kind of each bundle gzipped alone, so kinds add up to more than the wire):

${comparison(ours, theirs)}

Multi-page session: ${VISITS.length} page loads (${VISITS.join(', ')}), ${values.visits === 'shop' ? 'shopping (with search typing)' : 'browsing (no search typing)'} for ${values['page-seconds']} s on each, of a storefront site sharing a ${(server.pages.get('/site/app.css')!.length / 1024).toFixed(1)} KiB stylesheet, ${(site.sessionMs / 1000).toFixed(1)} s, one session:

${comparison(site.ours, site.theirs)}`);
    await Promise.all([site.ours.close(), site.theirs.close()]);
  } finally {
    await browser.close();
    await Promise.all([server.close(), ours.close(), theirs.close()]);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
