/**
 * `npm run bench`: recorder overhead on rrweb's DOM-mutation workloads in headless Chromium,
 * written to BENCHMARKS.md. Flags: --only <text> (workloads whose name contains it),
 * --runs <n>, --profile <workload> (CPU profile of our recorder instead of the benchmark),
 * --floor (also a bare MutationObserver, the floor of any recorder), --no-write (print only),
 * --sync-jit (V8 compiles optimized code on the main thread: see SYNC_JIT_FLAGS).
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/helpers/chromium';
import { startTestServer, type TestServer } from '../test/helpers/server';
import { profileWorkload } from './profile';
import { loadRecorders, ROOT, type RecorderScripts } from './recorders';
import { keptSections } from './kept-sections';
import { RECORDERS, renderReport, type Environment, type RecorderName, type RunResult, type WorkloadResults } from './report';

/** rrweb's benchmark suite repeats each case; 7 keeps the median stable on 2 shared cores. */
const DEFAULT_RUNS = 7;
/** One run of the slowest workload under rrweb takes a few seconds; anything past this is a hang. */
const RUN_TIMEOUT_MS = 120_000;
const WORKLOADS_DIR = process.env.BENCH_WORKLOADS ?? join(ROOT, '../shared/bench-workloads');
/**
 * V8 compiles hot functions to optimized code on a background thread. On this shared 2-core
 * machine that thread competes with the page's main thread whenever the other core is busy:
 * a trace of the attributes workload showed the main thread stalled 1-3.7 ms in
 * V8.OptimizeConcurrentPrepare while the background TurboFan job ran, in some runs and not
 * others, for every recorder. With compilation on the main thread each run pays the same compile,
 * so a pass reads each recorder's own work (docs/benchmarks.md). Not how browsers run pages: the
 * verdict comes from the default pass.
 */
const SYNC_JIT_FLAGS = '--no-concurrent-recompilation --no-concurrent-osr';
const PROBE = readFileSync(new URL('./probe.js', import.meta.url), 'utf8');

/** What bench/probe.js defines in the page. */
export interface BenchWindow {
  __bench: { start(recorder: string): Promise<void>; measure(): Promise<RunResult> };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Loads the workload page, then the recorder and the probe, and measures one run. */
export async function measureRun(
  browser: Browser,
  url: string,
  recorder: RecorderName,
  scripts: RecorderScripts,
): Promise<RunResult> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(RUN_TIMEOUT_MS);
    await page.goto(url, { waitUntil: 'load' });
    if (scripts[recorder]) await page.addScriptTag({ content: scripts[recorder] });
    await page.addScriptTag({ content: PROBE });
    const run = async () => {
      await page.evaluate((name) => (window as unknown as BenchWindow).__bench.start(name), recorder);
      return page.evaluate(() => (window as unknown as BenchWindow).__bench.measure());
    };
    return await withTimeout(run(), RUN_TIMEOUT_MS, `${basename(url)} with ${recorder}`);
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** The browser, relaunched when a crash took it down, so one bad run does not fail all later ones. */
interface BrowserHolder {
  current(): Promise<Browser>;
}

async function benchmark(browsers: BrowserHolder, server: TestServer, workloads: string[], runs: number, scripts: RecorderScripts) {
  const all: WorkloadResults[] = [];
  for (const workload of workloads) {
    const recorders = RECORDERS.filter((name) => scripts[name] !== undefined && (name !== 'minimal' || workload.includes('attributes')));
    const results: WorkloadResults = { workload: workload.replace(/\.html$/, ''), runs: {}, failures: [] };
    for (let run = 0; run < runs; run++) {
      // Rotate the order so no recorder always runs first (or last) on a warming machine.
      for (let k = 0; k < recorders.length; k++) {
        const recorder = recorders[(run + k) % recorders.length];
        try {
          const result = await measureRun(await browsers.current(), `${server.url}/${workload}`, recorder, scripts);
          (results.runs[recorder] ??= []).push(result);
          process.stdout.write(
            `${results.workload} #${run + 1} ${recorder}: ${result.doneMs.toFixed(1)} ms (last event ${result.lastEventMs.toFixed(1)}, painted ${result.paintedMs.toFixed(1)}), ${result.bytes} bytes\n`,
          );
        } catch (error) {
          results.failures.push(`${recorder} run ${run + 1}: ${String(error).split('\n')[0]}`);
          process.stdout.write(`${results.workload} #${run + 1} ${recorder}: FAILED ${error}\n`);
        }
      }
    }
    all.push(results);
  }
  return all;
}

function fsJsSize(): Environment['fsJs'] {
  const file = join(ROOT, 'dist/fs.js');
  if (!existsSync(file)) return undefined;
  const raw = readFileSync(file);
  return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
}

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      runs: { type: 'string' },
      profile: { type: 'string' },
      'no-write': { type: 'boolean' },
      floor: { type: 'boolean' },
      'sync-jit': { type: 'boolean' },
    },
  });
  const runs = Math.max(1, Math.min(50, Number(values.runs ?? DEFAULT_RUNS) || DEFAULT_RUNS));
  const workloads = (await readdir(WORKLOADS_DIR))
    .filter((name) => name.endsWith('.html'))
    .filter((name) => !values.only || name.includes(values.only))
    .sort();
  if (!workloads.length) throw new Error(`no workloads in ${WORKLOADS_DIR}`);

  const notes: string[] = [];
  // Profiles need readable function names; the benchmark measures the minified production shape.
  const scripts = await loadRecorders(notes, { minify: !values.profile, floor: !!values.floor });
  const server = await startTestServer({ root: WORKLOADS_DIR });
  let browser: Browser | undefined;
  const closeAll = async () => {
    await browser?.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  };
  const onSignal = () => void closeAll().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // expose-gc: the probe collects garbage before each measured workload (less noise).
    const syncJit = values['sync-jit'] === true;
    if (syncJit) notes.push(`V8 compiled optimized code on the main thread (\`--sync-jit\`: ${SYNC_JIT_FLAGS}), not as browsers do; see docs/benchmarks.md.`);
    const launch = () => launchChromium([`--js-flags=--expose-gc${syncJit ? ` ${SYNC_JIT_FLAGS}` : ''}`]);
    browser = await launch();
    const browsers: BrowserHolder = {
      async current() {
        if (!browser?.isConnected()) {
          await browser?.close().catch(() => undefined);
          browser = await launch();
        }
        return browser;
      },
    };
    if (values.profile) {
      const workload = workloads.find((name) => name.includes(values.profile as string));
      if (!workload) throw new Error(`no workload matches ${values.profile}`);
      if (!scripts.openstory) throw new Error(notes.join(' '));
      console.log(await profileWorkload(browser, `${server.url}/${workload}`, scripts.openstory, PROBE));
      return;
    }
    const loadBefore = loadavg()[0];
    const results = await benchmark(browsers, server, workloads, runs, scripts);
    const version = (await browsers.current()).version();
    const env: Environment = {
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      chromium: `Chromium ${version}`,
      cpus: `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), shared with other work (load average ${loadBefore.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end)`,
      node: process.version,
      runs,
      fsJs: fsJsSize(),
      notes,
    };
    const report = renderReport(results, env);
    if (values['no-write']) console.log(report);
    else {
      await writeFile(join(ROOT, 'BENCHMARKS.md'), report + keptSections(join(ROOT, 'BENCHMARKS.md')));
      console.log(`\nwrote BENCHMARKS.md (${results.length} workloads)`);
    }
  } finally {
    await closeAll();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
