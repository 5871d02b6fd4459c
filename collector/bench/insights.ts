/**
 * Insights and click-map benchmark: `npx tsx collector/bench/insights.ts [--views 20000] [--clicks 10]`.
 * Stores `--views` page views of one org spread over 30 days in a fresh SQLite store through the
 * storage interface, each with `--clicks` clicks on one of a dozen elements of one of a few pages
 * (every 7th dead, a rage burst of 3 on every 25th view), then times the viewer's two reads of the
 * whole range: the insights page's counts and one page's click map. Median of several runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { fact } from 'openstory/vocabulary';
import { parseAgent } from '../src/enrich';
import { deriveChanges } from '../src/ingest/derive';
import { storedEvents } from '../src/ingest/encode';
import { openSqliteStorage } from '../src/storage/sqlite';
import { clickMapOf, DAY_MS, insightsOf, pageMatcher } from '../src/viewer/insights-data';

const { values } = parseArgs({ options: { views: { type: 'string', default: '20000' }, clicks: { type: 'string', default: '10' } } });
const VIEWS = Number(values.views);
const CLICKS = Number(values.clicks);
const RANGE_DAYS = 30;
/** Bundles submitted at once, as in bench/search.ts: the group commit folds them into few transactions. */
const CONCURRENCY = 500;
const RUNS = 3;
const T0 = Date.UTC(2026, 0, 1);
const PAGES = ['/', '/products', '/product', '/cart', '/checkout'];
const AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

function pageView(n: number) {
  const start = T0 + Math.floor((n * RANGE_DAYS * DAY_MS) / VIEWS);
  const url = `https://shop.example${PAGES[n % PAGES.length]}?v=${n}`;
  const clicks = Array.from({ length: CLICKS }, (_, index) => {
    const frustrated = n % 25 === 0 && index < 3 ? index + 1 : 0;
    return fact('click', { EventTargetText: `Item ${index % 12}`, EventTargetSelectorTok: `html body main div.item%2D${index % 12} button`,
      EventModFrustrated: frustrated, EventModDead: (n + index) % 7 === 0 ? 1 : 0, EventModError: 0, x: 100 + index * 10, y: 200 + index * 30 }, start + 1000 + index * 500);
  });
  const events = [...clicks, fact('duration', { PageDuration: 30_000, PageActiveDuration: 20_000, PageMaxScrollDepthPercent: n % 101 }, start + 30_000)] as never[];
  return deriveChanges({
    orgId: 'o-bench', userId: `u-${n}`, sessionId: 's-1', pageId: `p-${n}`, seq: 0, receivedAt: start + 60_000,
    page: { url, referrer: '', userAgent: AGENT, start, screenWidth: 1920, screenHeight: 1080, viewportWidth: 1280, viewportHeight: 720, timeZone: 'UTC', language: 'en-US', ip: '', agent: parseAgent(AGENT), location: null },
    ...storedEvents(events),
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(`${tmpdir()}/openstory-insights-bench-`);
  const storage = openSqliteStorage(dir);
  try {
    for (let first = 0; first < VIEWS; first += CONCURRENCY) {
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, VIEWS - first) }, (_, index) => storage.ingest(pageView(first + index))));
    }
    const until = T0 + RANGE_DAYS * DAY_MS;
    const time = async (read: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const began = performance.now();
        await read();
        times.push(performance.now() - began);
      }
      return [...times].sort((a, b) => a - b)[Math.floor(RUNS / 2)].toFixed(0);
    };
    const insights = await time(() => insightsOf('o-bench', storage.clickFacts('o-bench', T0, until), storage.pageViews('o-bench', T0, until), T0, until));
    const clickMap = await time(() => clickMapOf('o-bench', storage.clickFacts('o-bench', T0, until), storage.pageViews('o-bench', T0, until), pageMatcher('/product')));
    console.log(`${VIEWS.toLocaleString('en-US')} page views, ${(VIEWS * CLICKS).toLocaleString('en-US')} clicks over ${RANGE_DAYS} days, SQLite; ${cpus().length} cores; load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
    console.log(`| read of the whole range | median of ${RUNS} (ms) |\n|---|---:|\n| insights page counts | ${insights} |\n| click map of /product | ${clickMap} |`);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
