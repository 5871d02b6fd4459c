/**
 * Network and console capture cost: `npx tsx bench/page-capture.ts [--runs 7] [--calls 400]`.
 *
 * A blank page on 127.0.0.1 makes `--calls` sequential fetches of a 5-byte answer and `--calls`
 * console.log calls of a small object (timed as a whole loop: one call is below the timer's
 * resolution), first without page telemetry, then with startPage's
 * network and console capture on (the privacy rules of a default init). Each run is a fresh
 * browser context; the medians of the per-call times are compared. The console prints to the
 * page's console (nobody listens), as on a visitor's page with DevTools closed.
 *
 * Results go to stdout as markdown; BENCHMARKS.md records them.
 */
import { parseArgs } from 'node:util';
import { launchChromium } from '../test/helpers/chromium';
import { bundleForBrowser } from '../test/helpers/bundle';
import { startTestServer } from '../test/helpers/server';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, calls: { type: 'string', default: '400' } } });
const RUNS = Number(values.runs);
const CALLS = Number(values.calls);

const PAGE = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<script src="/page.js"></script><script src="/privacy.js"></script></body></html>`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const server = await startTestServer();
  server.pages.set('/page.js', await bundleForBrowser('src/page/index.ts', 'openstoryPage'));
  server.pages.set('/privacy.js', await bundleForBrowser('src/privacy/index.ts', 'openstoryPrivacy'));
  server.pages.set('/', PAGE);
  server.pages.set('/ok.txt', 'hello');
  const browser = await launchChromium();
  const results: Record<'off' | 'on', { fetch: number[]; console: number[] }> = { off: { fetch: [], console: [] }, on: { fetch: [], console: [] } };
  for (let run = 0; run < RUNS; run++) {
    for (const mode of ['off', 'on'] as const) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}/`, { waitUntil: 'load' });
      // A string, so tsx's name helpers do not reach the page.
      const times = (await page.evaluate(`(async () => {
        if (${mode === 'on'}) {
          window.__facts = 0;
          openstoryPage.startPage({
            emit: () => void window.__facts++,
            privacy: openstoryPrivacy.createPrivacy({}),
            console: { levels: ['log', 'info', 'warn', 'error', 'debug'], maskSecrets: true },
            network: { maskBodies: true, isOwn: () => false },
          });
        }
        const fetches = [];
        for (let i = 0; i < ${CALLS}; i++) {
          const start = performance.now();
          await fetch('/ok.txt');
          fetches.push(performance.now() - start);
        }
        // One console call is below performance.now()'s 0.1 ms resolution: time the whole loop.
        const start = performance.now();
        for (let i = 0; i < ${CALLS}; i++) console.log('item', i, { id: i, name: 'product', tags: ['a', 'b'] });
        return { fetch: fetches, console: [(performance.now() - start) / ${CALLS}] };
      })()`)) as { fetch: number[]; console: number[] };
      results[mode].fetch.push(median(times.fetch));
      results[mode].console.push(median(times.console));
      await context.close();
    }
  }
  await browser.close();
  await server.close();
  const row = (name: string, off: number[], on: number[]) =>
    `| ${name} | ${median(off).toFixed(4)} | ${median(on).toFixed(4)} | ${(median(on) - median(off)).toFixed(4)} |`;
  console.log(`${RUNS} runs × ${CALLS} calls; fetch: median of each run's median, console: median of each run's mean (ms per call):\n`);
  console.log('| call | capture off | capture on | added |\n|---|---:|---:|---:|');
  console.log(row('fetch (5-byte answer, 127.0.0.1)', results.off.fetch, results.on.fetch));
  console.log(row('console.log (string, number, small object)', results.off.console, results.on.console));
}

void main();
