/**
 * Long tasks under a mutation storm: `npx tsx bench/storm.ts [--runs 3] [--storm-ms 5000]`.
 *
 * Two scenarios, each run with no recorder, with openstory's recorder (src/record, bundled and
 * minified as bench/run.ts does), with the whole SDK (`sdk`: dist/fs.js as a site installs it,
 * recorder, heuristics and transport, sending to a fake collector on 127.0.0.1; build first) and
 * with rrweb's `record`, in fresh browser contexts, the recorder order rotating from run to run:
 * - `huge page`: the page holds 50,000 nodes (25,000 divs with text) when recording starts, so
 *   the full snapshot walks all of them; the page does nothing else.
 * - `storm`: recording starts on an empty page; then 25,000 divs with text (50,000 nodes) are
 *   appended one by one in one task, and every animation frame for `--storm-ms` each div gets
 *   new text (`textContent`, a child-list change); then the page is idle for 3 s.
 * Chromium's Long Tasks API (PerformanceObserver `longtask`, buffered, so it sees every task
 * from page load) gives each task over 50 ms, as the page sees them; the measured window opens
 * before the settling timer, so the task that starts the recorder counts.
 * The API says nothing of whose script made a task long, and neither does Long Animation Frames:
 * a MutationObserver callback runs in the microtasks of the page script that changed the DOM and
 * is counted as that script's, and work resumed by scheduler.yield() has no call of its own. So
 * each run is also traced (`devtools.timeline` and the trace's CPU sampler): a task on the page's
 * main thread gets the time of the samples with the recorder's script on the stack (it is served
 * from a URL of its own), and is the **recorder's long task** when the recorder's time is over
 * 50 ms by itself, or when it is over 50 ms and ran the recorder's script and none of the page's
 * (the garbage collection the recorder caused is its own; a sample with both on the stack, the
 * page calling FS('start'), is the recorder's); a task the recorder **pushed over**
 * 50 ms is a page's task under 50 ms without the recorder's time in it. The storm's page frames
 * are long with no recorder at all; the recorder adding 10 ms to a 240 ms frame is counted in its
 * time, in neither column.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { launchChromium } from '../test/helpers/chromium';
import { startTestServer } from '../test/helpers/server';
import { startFakeCollector } from '../test/transport/fake-collector';
import { loadRecorders, ROOT } from './recorders';
import { median } from './report';
import { attribute, type Attribution, type TraceEvent } from './trace-attribution';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, 'storm-ms': { type: 'string', default: '5000' } } });
const RUNS = Math.max(1, Number(values.runs) || 3);
const STORM_MS = Math.max(100, Number(values['storm-ms']) || 5000);
/** The storm: 50,000 nodes, as 25,000 divs and their text (blocks: 25,000 inline spans on one line cost Chromium's layout seconds per frame). */
const SPANS = 25_000;
/** As in bench/probe.js: the machine settles from the last run's teardown before anything is measured. */
const SETTLE_MS = 1000;
/** After the page stops: long enough for openstory's storm retry (1 s) and its sliced snapshot. */
const AFTER_MS = 3000;
/** `sdk`: the whole script-tag SDK (dist/fs.js: recorder, heuristics, transport) sending to a fake collector. */
const RECORDERS = ['none', 'openstory', 'sdk', 'rrweb'] as const;
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
  // The timer calls the recorder's own record() (the SDK: FS('start')): the start is a task of its
  // own, as a site's script is, and its function-call event names the recorder's URL, which finds
  // the main thread in the trace (attribute()). Its stop function is lost; the browser context is
  // closed after the run.
  const record = recorder === 'rrweb' ? rrweb.record : recorder === 'openstory' ? openstoryRecorder.record : undefined;
  if (record) await new Promise((resolve) => { setTimeout(record, 0, { emit }); setTimeout(resolve, 0); });
  if (recorder === 'sdk') await new Promise((resolve) => { setTimeout(() => FS('start'), 0); setTimeout(resolve, 0); });
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
  };
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
  // Served from URLs of their own so that the trace names their calls.
  const fsJs = `${ROOT}/dist/fs.js`;
  if (!existsSync(fsJs)) throw new Error('dist/fs.js is missing: run `npm run build` first');
  const sources: Partial<Record<Recorder, string>> = { ...scripts, sdk: readFileSync(fsJs, 'utf8') };
  for (const recorder of RECORDERS) if (sources[recorder]) server.pages.set(`/${recorder}.js`, sources[recorder] as string);
  server.pages.set('/telemetry.js', readFileSync(`${ROOT}/dist/telemetry.js`, 'utf8'));
  const collector = await startFakeCollector();
  const browser = await launchChromium();
  const loadBefore = loadavg().map((load) => load.toFixed(1)).join(', ');
  const results = new Map<string, (RunResult & Attribution)[]>();
  try {
    for (const scenario of ['huge page', 'storm'] as Scenario[]) {
      for (let run = 0; run < RUNS; run++) {
        for (let k = 0; k < RECORDERS.length; k++) {
          const recorder: Recorder = RECORDERS[(run + k) % RECORDERS.length];
          const context = await browser.newContext();
          try {
            const page = await context.newPage();
            await page.goto(`${server.url}/`, { waitUntil: 'load' });
            const recorderUrl = `${server.url}/${recorder}.js`;
            // The SDK as a site installs it, capture held until the scenario starts it with FS('start').
            if (recorder === 'sdk') {
              await page.addScriptTag({ content: `window._fs_host = '${collector.url}'; window._fs_org = 'o-storm'; window._fs_capture_on_startup = false;` });
            }
            const stored = collector.requests.length;
            if (sources[recorder]) await page.addScriptTag({ url: recorderUrl });
            await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler'] });
            const measured = (await page.evaluate(
              ([name, kind, spans, stormMs, settleMs, afterMs]) =>
                (window as unknown as { __storm: (...args: unknown[]) => Promise<RunResult> }).__storm(name, kind, spans, stormMs, settleMs, afterMs),
              [recorder, scenario, SPANS, STORM_MS, SETTLE_MS, AFTER_MS] as const,
            )) as RunResult;
            const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
            if (recorder === 'sdk') {
              await context.close();
              measured.events = collector.requests.length - stored;
            }
            const result = { ...measured, ...attribute(trace.traceEvents, `${server.url}/storm.js`, recorderUrl) };
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
    await collector.close();
  }
  const loadAfter = loadavg().map((load) => load.toFixed(1)).join(', ');
  console.log(`${RUNS} runs per scenario and recorder, storm ${STORM_MS} ms, medians; load average (1, 5, 15 min) ${loadBefore} at start, ${loadAfter} at end.\n`);
  console.log(
    '| scenario | recorder | long tasks while the page works (total ms, longest) | long tasks after it, page idle (total ms, longest) | page frames | events (sdk: requests) | recorder\'s long tasks, most in a run (of them stalled: the sampler saw nothing for over 20 ms) | tasks it pushed over 50 ms, most in a run | recorder\'s main-thread time, ms (most in one task) |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const scenario of ['huge page', 'storm'] as Scenario[]) {
    for (const recorder of RECORDERS) {
      const runs = results.get(`${scenario}|${recorder}`) ?? [];
      const during = runs.map((run) => run.during);
      const after = runs.map((run) => run.after);
      const own = recorder === 'none' ? '| | |' : `| ${Math.max(...runs.map((run) => run.recorderLongTasks))} (${Math.max(...runs.map((run) => run.stalled))}) | ${Math.max(...runs.map((run) => run.pushedOver))} | ${median(runs.map((run) => run.recorderMs)).toFixed(0)} (${Math.max(...runs.map((run) => run.recorderMaxMs)).toFixed(0)}) |`;
      console.log(
        `| ${scenario} | ${recorder} | ${sum(during, 'count')} (${sum(during, 'totalMs').toFixed(0)}, ${sum(during, 'maxMs').toFixed(0)}) | ` +
          `${sum(after, 'count')} (${sum(after, 'totalMs').toFixed(0)}, ${sum(after, 'maxMs').toFixed(0)}) | ${median(runs.map((run) => run.frames))} | ${median(runs.map((run) => run.events))} ${own}`,
      );
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
