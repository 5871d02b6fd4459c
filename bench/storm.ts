/**
 * Long tasks under a mutation storm: `npx tsx bench/storm.ts [--runs 3] [--storm-ms 5000]`.
 *
 * Two scenarios, each run with no recorder, with openstory's recorder (src/record, bundled and
 * minified as bench/run.ts does) and with rrweb's `record`, in fresh browser contexts, the
 * recorder order rotating from run to run:
 * - `huge page`: the page holds 50,000 nodes (25,000 divs with text) when recording starts, so
 *   the full snapshot walks all of them; the page does nothing else.
 * - `storm`: recording starts on an empty page; then 25,000 divs with text (50,000 nodes) are
 *   appended one by one in one task, and every animation frame for `--storm-ms` each div gets
 *   new text (`textContent`, a child-list change); then the page is idle for 3 s.
 * Chromium's Long Tasks API (PerformanceObserver `longtask`, buffered, so it sees every task
 * from page load) gives each task over 50 ms with its attribution; the measured window opens before
 * the settling timer whose task starts the recorder, so that task counts. Long tasks attributable to the
 * recorder = the recorder's long tasks beyond the no-recorder run's, in the same phase: while
 * the page works (the storm's own frames are long tasks too), and after it (the page is idle:
 * every long task there is the recorder's). Results go to stdout as markdown.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { launchChromium } from '../test/helpers/chromium';
import { startTestServer } from '../test/helpers/server';
import { loadRecorders } from './recorders';
import { median } from './report';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, 'storm-ms': { type: 'string', default: '5000' } } });
const RUNS = Math.max(1, Number(values.runs) || 3);
const STORM_MS = Math.max(100, Number(values['storm-ms']) || 5000);
/** The storm: 50,000 nodes, as 25,000 divs and their text (blocks: 25,000 inline spans on one line cost Chromium's layout seconds per frame). */
const SPANS = 25_000;
/** As in bench/probe.js: the machine settles from the last run's teardown before anything is measured. */
const SETTLE_MS = 1000;
/** After the page stops: long enough for openstory's storm retry (1 s) and its sliced snapshot. */
const AFTER_MS = 3000;
const RECORDERS = ['none', 'openstory', 'rrweb'] as const;
type Recorder = (typeof RECORDERS)[number];
type Scenario = 'huge page' | 'storm';

interface Phase {
  count: number;
  totalMs: number;
  maxMs: number;
}
interface RunResult {
  during: Phase;
  after: Phase;
  frames: number;
  events: number;
  attribution: string[];
}

/** Runs in the page (a string, so tsx's helpers stay out of it). */
const PAGE_SCRIPT = `
window.__storm = async (recorder, scenario, spans, stormMs, settleMs, afterMs) => {
  const tasks = [];
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) tasks.push(entry); }).observe({ type: 'longtask', buffered: true });
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const root = document.getElementById('root');
  const cells = [];
  const addCells = () => {
    for (let i = 0; i < spans; i++) {
      const cell = document.createElement('div');
      cell.textContent = String(i);
      cells.push(root.appendChild(cell));
    }
  };
  if (scenario === 'huge page') addCells();
  // The task that starts the recorder (and, in the storm, appends the cells) begins when the
  // settling timer fires, before any clock read inside it: its long task starts after this.
  const start = performance.now();
  await sleep(settleMs);
  let events = 0;
  const emit = () => void events++;
  const stop = recorder === 'rrweb' ? rrweb.record({ emit }) : recorder === 'openstory' ? openstoryRecorder.record({ emit }) : () => {};
  let frames = 0;
  if (scenario === 'storm') {
    addCells();
    const end = performance.now() + stormMs;
    await new Promise((resolve) => {
      const frame = (now) => {
        frames++;
        for (let i = 0; i < cells.length; i++) cells[i].textContent = String(Math.round(now) + i);
        if (performance.now() < end) requestAnimationFrame(frame);
        else resolve();
      };
      requestAnimationFrame(frame);
    });
  }
  const workEnd = performance.now();
  await sleep(afterMs);
  const phase = (from, to) => {
    const inside = tasks.filter((task) => task.startTime >= from && task.startTime < to);
    return {
      count: inside.length,
      totalMs: inside.reduce((sum, task) => sum + task.duration, 0),
      maxMs: inside.reduce((max, task) => Math.max(max, task.duration), 0),
    };
  };
  const result = {
    during: phase(start, workEnd),
    after: phase(workEnd, Infinity),
    frames,
    events,
    attribution: tasks.filter((task) => task.startTime >= start).map((task) => task.attribution.map((a) => a.containerType + '/' + a.name).join(',')),
  };
  stop();
  return result;
};`;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><script src="/storm.js"></script></head><body><div id="root"></div></body></html>`;

const sum = (phases: Phase[], key: keyof Phase) => median(phases.map((phase) => phase[key]));

async function main() {
  const notes: string[] = [];
  const scripts = await loadRecorders(notes, { minify: true, floor: false });
  if (!scripts.openstory || !scripts.rrweb) throw new Error(notes.join(' '));
  const server = await startTestServer();
  server.pages.set('/', PAGE);
  server.pages.set('/storm.js', PAGE_SCRIPT);
  const browser = await launchChromium();
  const loadBefore = loadavg().map((load) => load.toFixed(1)).join(', ');
  const results = new Map<string, RunResult[]>();
  try {
    for (const scenario of ['huge page', 'storm'] as Scenario[]) {
      for (let run = 0; run < RUNS; run++) {
        for (let k = 0; k < RECORDERS.length; k++) {
          const recorder: Recorder = RECORDERS[(run + k) % RECORDERS.length];
          const context = await browser.newContext();
          try {
            const page = await context.newPage();
            await page.goto(`${server.url}/`, { waitUntil: 'load' });
            if (scripts[recorder]) await page.addScriptTag({ content: scripts[recorder] });
            const result = (await page.evaluate(
              ([name, kind, spans, stormMs, settleMs, afterMs]) =>
                (window as unknown as { __storm: (...args: unknown[]) => Promise<RunResult> }).__storm(name, kind, spans, stormMs, settleMs, afterMs),
              [recorder, scenario, SPANS, STORM_MS, SETTLE_MS, AFTER_MS] as const,
            )) as RunResult;
            const key = `${scenario}|${recorder}`;
            results.set(key, [...(results.get(key) ?? []), result]);
            process.stderr.write(`${scenario} #${run + 1} ${recorder}: ${JSON.stringify(result)}\n`);
          } finally {
            await context.close().catch(() => undefined);
          }
        }
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const loadAfter = loadavg().map((load) => load.toFixed(1)).join(', ');
  console.log(`${RUNS} runs per scenario and recorder, storm ${STORM_MS} ms, medians; load average (1, 5, 15 min) ${loadBefore} at start, ${loadAfter} at end.\n`);
  console.log('| scenario | recorder | long tasks while the page works (total ms, longest) | beyond no recorder | long tasks after it, page idle (total ms, longest) | page frames | events |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const scenario of ['huge page', 'storm'] as Scenario[]) {
    const base = results.get(`${scenario}|none`) ?? [];
    const baseCount = sum(base.map((run) => run.during), 'count');
    for (const recorder of RECORDERS) {
      const runs = results.get(`${scenario}|${recorder}`) ?? [];
      const during = runs.map((run) => run.during);
      const after = runs.map((run) => run.after);
      const count = sum(during, 'count');
      const beyond = recorder === 'none' ? '' : String(count - baseCount + sum(after, 'count') - sum(base.map((run) => run.after), 'count'));
      console.log(
        `| ${scenario} | ${recorder} | ${count} (${sum(during, 'totalMs').toFixed(0)}, ${sum(during, 'maxMs').toFixed(0)}) | ${beyond} | ` +
          `${sum(after, 'count')} (${sum(after, 'totalMs').toFixed(0)}, ${sum(after, 'maxMs').toFixed(0)}) | ${median(runs.map((run) => run.frames))} | ${median(runs.map((run) => run.events))} |`,
      );
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
