/**
 * Session search benchmark: `npx tsx collector/bench/search.ts [--sessions 100000] [--backend sqlite|clickhouse|both]`.
 * Stores `--sessions` sessions of one org in a fresh store through the storage interface: SQLite,
 * and ClickHouse on a throwaway clickhouse-server started as the tests start it (when installed)
 * (one page, one bundle each, with the facts a real page sends: navigation, clicks with rage and
 * dead ones, custom events, requests with failures, console errors, user vars), then times the
 * viewer's searches: the first page (100 sessions) of each, the median of several runs.
 * Results print as Markdown for BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { fact } from 'openstory/vocabulary';
import { parseAgent } from '../src/enrich';
import { deriveChanges } from '../src/ingest/derive';
import { storedEvents } from '../src/ingest/encode';
import { openClickHouseStorage } from '../src/storage/clickhouse';
import { openSqliteStorage } from '../src/storage/sqlite';
import type { SessionSearch, Storage } from '../src/storage/types';
import { clickhouseBinary, createClickHouseServer } from '../test/storage/clickhouse-server';

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '100000' }, backend: { type: 'string', default: 'both' } } });
const SESSIONS = Number(values.sessions);
/** Bundles submitted at once: the group commit folds them into few transactions, as concurrent requests are. */
const CONCURRENCY = 500;
/** Runs per search; the median is reported (the first run pays for a cold page cache). */
const RUNS = 5;
/** The viewer's page size (viewer/sessions.ts SESSIONS_PER_PAGE). */
const PAGE = 100;
const T0 = Date.UTC(2026, 0, 1);
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
];
const PATHS = ['/', '/products', '/cart', '/checkout', '/help', '/blog/post-1', '/account'];

/** Session n: deterministic variety, so each filter matches a known share of sessions. */
function sessionChanges(n: number) {
  const start = T0 + n * 60_000;
  const url = `https://shop.example${PATHS[n % PATHS.length]}`;
  const click = (frustrated: number, dead: 0 | 1, at: number) =>
    fact('click', { EventTargetText: 'Buy', EventTargetSelectorTok: 'html body button', EventModFrustrated: frustrated, EventModDead: dead, EventModError: 0 }, at);
  const events = [
    fact('navigate', { PageUrl: url, EventSubType: 'load', EventModSuspicious: 0 }, start + 10),
    fact('userVars', { UserEmail: `user${n}@example.com`, UserDisplayName: `User ${n}`, vars: { plan_str: n % 10 === 0 ? 'pro' : 'free' } }, start + 20),
    click(0, n % 7 === 0 ? 1 : 0, start + 1000),
    ...(n % 50 === 0 ? [click(1, 1, start + 2000), click(2, 1, start + 2100), click(3, 1, start + 2200)] : []),
    ...(n % 20 === 0 ? [fact('custom', { EventCustomName: 'Checkout Started', properties: { total_real: n % 100 } }, start + 3000)] : []),
    fact('request', { EventStart: start + 3500, ReqUrl: `${url}/api`, ReqMethod: 'GET', ReqStatus: n % 30 === 0 ? 500 : 200, duration: 40, initiator: 'fetch' }, start + 3500),
    fact('console', { PageNumInfos: 1, PageNumWarnings: 0, PageNumErrors: n % 40 === 0 ? 1 : 0 }, start + 4000),
    fact('duration', { PageDuration: (n % 600) * 1000, PageActiveDuration: 1000, PageMaxScrollDepthPercent: 50 }, start + (n % 600) * 1000),
  ] as never[];
  const userAgent = AGENTS[n % AGENTS.length];
  return deriveChanges({
    orgId: 'o-bench', userId: `u-${n}`, sessionId: 's-1', pageId: `p-${n}`, seq: 0, receivedAt: start + 700_000,
    page: { url, referrer: '', userAgent, start, screenWidth: 1920, screenHeight: 1080, viewportWidth: 1280, viewportHeight: 720, timeZone: 'UTC', language: 'en-US', ip: '', agent: parseAgent(userAgent), location: null },
    ...storedEvents(events),
  });
}

const SEARCHES: Array<[string, Omit<SessionSearch, 'orgId' | 'limit'>]> = [
  ['no filter, latest first', { order: 'time' }],
  ['no filter, most frustrated first', { order: 'frustration' }],
  ['user email contains `user4242@`', { order: 'time', user: 'user4242@' }],
  ['user property plan_str = pro', { order: 'time', userVar: { name: 'plan_str', value: 'pro' } }],
  ['URL visited contains `/checkout`', { order: 'time', url: '/checkout' }],
  ['URL pattern `https://shop.example/blog/*`', { order: 'time', url: 'https://shop.example/blog/*' }],
  ['custom event `Checkout Started` with total_real = 40', { order: 'time', eventName: 'Checkout Started', eventProperty: { name: 'total_real', value: '40' } }],
  ['rage clicks', { order: 'time', frustrations: ['rage'] }],
  ['failed requests', { order: 'time', failedRequests: true }],
  ['console errors on Firefox', { order: 'time', consoleErrors: true, browser: 'Firefox' }],
  ['started in one day, 5–8 min long', { order: 'time', startFrom: T0 + 10 * 86_400_000, startUntil: T0 + 11 * 86_400_000, minDuration: 300_000, maxDuration: 480_000 }],
  ['no match (thrash)', { order: 'time', frustrations: ['thrash'] }],
];

/** A fresh store of one backend, and what removes it. */
interface BenchStore {
  name: string;
  open(): Promise<{ storage: Storage; remove(): Promise<void> }>;
}

const sqlite: BenchStore = {
  name: 'SQLite',
  async open() {
    const dir = mkdtempSync(`${tmpdir()}/openstory-search-bench-`);
    const storage = openSqliteStorage(dir);
    return { storage, remove: async () => { await storage.close(); rmSync(dir, { recursive: true, force: true }); } };
  },
};

const clickhouse: BenchStore = {
  name: 'ClickHouse 18.16',
  async open() {
    const binary = clickhouseBinary();
    if (!binary) throw new Error('clickhouse-server is not installed (apt-get install clickhouse-server)');
    const server = await createClickHouseServer(binary);
    await server.start();
    const storage = await openClickHouseStorage(`clickhouse://default@${server.url.replace('http://', '')}/bench`);
    return { storage, remove: async () => { await storage.close(); await server.stop(); server.remove(); } };
  },
};

const load = () => loadavg().map((value) => value.toFixed(1)).join(', ');
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

async function bench({ name, open }: BenchStore): Promise<void> {
  const { storage, remove } = await open();
  try {
    const stored = Date.now();
    for (let first = 0; first < SESSIONS; first += CONCURRENCY) {
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, SESSIONS - first) }, (_, index) => storage.ingest(sessionChanges(first + index))));
    }
    const storeSeconds = (Date.now() - stored) / 1000;
    console.log(`### ${name}\n\nStored in ${storeSeconds.toFixed(0)} s through \`Storage.ingest\`; load average before the searches ${load()}.\n`);
    console.log('| search | matches on page 1 | page 1 (ms) | page 2 (ms) |\n|---|---:|---:|---:|');
    for (const [label, search] of SEARCHES) {
      const times: number[] = [];
      const nextTimes: number[] = [];
      let found = 0;
      for (let run = 0; run < RUNS; run++) {
        const began = performance.now();
        const page = await storage.searchSessions({ ...search, orgId: 'o-bench', limit: PAGE });
        times.push(performance.now() - began);
        found = page.sessions.length;
        const nextBegan = performance.now();
        if (page.next) await storage.searchSessions({ ...search, orgId: 'o-bench', limit: PAGE, cursor: page.next });
        nextTimes.push(page.next ? performance.now() - nextBegan : 0);
      }
      console.log(`| ${label} | ${found} | ${median(times).toFixed(1)} | ${nextTimes.some(Boolean) ? median(nextTimes).toFixed(1) : '–'} |`);
    }
    console.log(`\nLoad average after: ${load()}.\n`);
  } finally {
    await remove();
  }
}

async function main(): Promise<void> {
  const stores = values.backend === 'both' ? [sqlite, clickhouse] : values.backend === 'clickhouse' ? [clickhouse] : [sqlite];
  console.log(`## Collector: session search over ${SESSIONS.toLocaleString('en-US')} sessions (\`npx tsx collector/bench/search.ts\`)\n`);
  console.log(`One org; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), shared with other work while measured (the load averages say how much).`);
  console.log(`Each search asks for the viewer's first page (${PAGE} sessions); median of ${RUNS} runs. The second page (through the cursor) is timed too.\n`);
  for (const store of stores) await bench(store);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
