/**
 * Transport benchmark: `npx tsx bench/transport.ts [--seconds 60]`.
 *
 * 1. Bytes on the wire. A scripted session (mouse, scroll, clicks that add and remove nodes,
 *    typing that filters a product grid, a modal, a form) runs on a storefront page recorded at
 *    once by rrweb's `record` and by openstory's recorder. Each stream goes through its own
 *    transport (default thresholds) to its own fake collector on 127.0.0.1, so both are
 *    batched and gzipped the same way; the collectors count the bytes of every request body.
 * 2. Main-thread cost. The openstory stream captured in (1) is pushed again, at its original
 *    timing, into a transport alone on a blank page, with a PerformanceObserver for long tasks:
 *    any long task there is the transport's. The time spent inside push() is summed too.
 *
 * Results go to stdout as markdown; docs/transport.md records them.
 */
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import type { eventWithTime } from '@rrweb/types';
import { launchChromium } from '../test/helpers/chromium';
import { bundleForBrowser } from '../test/helpers/bundle';
import { startTestServer } from '../test/helpers/server';
import { startFakeCollector, type FakeCollector } from '../test/transport/fake-collector';
import { loadRecorders } from './recorders';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' } } });
const SESSION_MS = Number(values.seconds) * 1000;

const STORE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
  header { display: flex; gap: 16px; align-items: center; padding: 12px 24px; background: #f4f4f4; position: sticky; top: 0; }
  nav a { margin-right: 12px; color: #036; }
  .grid { display: grid; grid-template-columns: repeat(4, 1fr); gap: 16px; padding: 24px; }
  .card { border: 1px solid #ddd; border-radius: 6px; padding: 12px; }
  .card .img { height: 120px; background: linear-gradient(135deg, #cde, #fed); border-radius: 4px; }
  .toast { position: fixed; bottom: 16px; right: 16px; background: #333; color: #fff; padding: 8px 12px; }
  dialog { width: 420px; }
  form { padding: 24px; display: grid; gap: 8px; max-width: 420px; }
</style></head><body>
<header><strong>Shop</strong><nav><a href="#new">New</a><a href="#sale">Sale</a><a href="#about">About</a></nav>
  <input id="search" placeholder="Search products"><span>Cart: <b id="cart">0</b></span></header>
<main><div class="grid" id="grid"></div>
<form id="checkout"><h2>Checkout</h2><input name="name" placeholder="Full name"><input name="email" placeholder="Email">
  <input name="address" placeholder="Address"><textarea name="notes" placeholder="Notes"></textarea><button type="button">Pay</button></form></main>
<dialog id="details"><h3 id="details-title"></h3><p id="details-text"></p><button id="close">Close</button></dialog>
<script>
  const words = 'oak linen wool steel copper maple cotton glass amber slate ivory cedar'.split(' ');
  const kinds = 'chair lamp table shelf rug vase mirror clock bench desk'.split(' ');
  const products = Array.from({ length: 80 }, (_, i) => ({ id: i, name: words[i % 12] + ' ' + kinds[i % 10], price: (19 + (i * 37) % 300) + '.00' }));
  const grid = document.getElementById('grid');
  function render(filter) {
    grid.replaceChildren(...products.filter((p) => p.name.includes(filter)).map((p) => {
      const card = document.createElement('div');
      card.className = 'card';
      card.innerHTML = '<div class="img"></div><h4>' + p.name + '</h4><p>A ' + p.name + ' made to last. $' + p.price +
        '</p><button class="add" data-id="' + p.id + '">Add to cart</button> <button class="more" data-id="' + p.id + '">Details</button>';
      return card;
    }));
  }
  render('');
  document.getElementById('search').addEventListener('input', (e) => render(e.target.value));
  grid.addEventListener('click', (e) => {
    const id = e.target.dataset && e.target.dataset.id;
    if (e.target.classList.contains('add')) {
      const cart = document.getElementById('cart');
      cart.textContent = String(Number(cart.textContent) + 1);
      const toast = document.createElement('div');
      toast.className = 'toast';
      toast.textContent = 'Added ' + products[id].name;
      document.body.append(toast);
      setTimeout(() => toast.remove(), 1500);
    } else if (e.target.classList.contains('more')) {
      document.getElementById('details-title').textContent = products[id].name;
      document.getElementById('details-text').textContent = 'Ships in ' + (1 + id % 5) + ' days. $' + products[id].price;
      document.getElementById('details').showModal();
    }
  });
  document.getElementById('close').addEventListener('click', () => document.getElementById('details').close());
</script></body></html>`;

const BLANK_PAGE = '<!doctype html><title>transport alone</title>';

/** One round of the scripted visitor; every step is something a shopper does. */
async function shop(page: Page, round: number) {
  const cards = await page.$$('.card');
  for (let i = 0; i < 6 && cards.length > 0; i++) {
    const box = await cards[(round * 7 + i * 3) % cards.length].boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
  }
  await page.mouse.wheel(0, 600);
  await page.waitForTimeout(300);
  const add = await page.$$('button.add');
  if (add.length > 0) await add[round % add.length].click();
  await page.mouse.wheel(0, -300);
  const query = ['oak', 'lamp', 'cedar desk', ''][round % 4];
  await page.fill('#search', '');
  await page.type('#search', query, { delay: 60 });
  const more = await page.$$('button.more');
  if (more.length > 0) {
    await more[0].click();
    await page.waitForTimeout(400);
    await page.click('#close');
  }
  await page.fill('#search', '');
  await page.type('#checkout [name=name]', 'Ada Lovelace'.slice(0, 4 + (round % 8)), { delay: 40 });
  await page.mouse.wheel(0, 900);
  await page.waitForTimeout(500);
  await page.mouse.wheel(0, -1200);
}

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
function startBenchTransport(host, pageId) {
  return openstoryTransport.startTransport({
    host, orgId: 'o-bench', identity: () => ({ userId: 'u-bench', sessionId: 's-bench', pageId }),
    page: { url: location.href, referrer: '', userAgent: navigator.userAgent, screenWidth: screen.width, screenHeight: screen.height,
      viewportWidth: innerWidth, viewportHeight: innerHeight, timeZone: 'UTC', language: navigator.language, startTime: Date.now() } });
}
function observeLongTasks() {
  const durations = [];
  new PerformanceObserver((list) => durations.push(...list.getEntries().map((entry) => entry.duration))).observe({ type: 'longtask' });
  return durations;
}
window.startSession = (oursUrl, theirsUrl) => {
  const start = performance.now();
  const ours = startBenchTransport(oursUrl, 'p-openstory');
  const theirs = startBenchTransport(theirsUrl, 'p-rrweb');
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
Long tasks during the recorded session (both recorders and transports together): ${sessionLongTasks.length}${sessionLongTasks.length ? `, longest ${Math.max(...sessionLongTasks).toFixed(0)} ms` : ''}.`);
  } finally {
    await browser.close();
    await Promise.all([server.close(), ours.close(), theirs.close()]);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
