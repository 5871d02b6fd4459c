/*
 * Canvas recording's cost (`npx tsx bench/canvas.ts`): a page animates a 640×360 2D canvas every
 * frame; the recorder runs on it for RUN_SECONDS without and with `recordCanvas`, alternating,
 * ROUNDS times. Main-thread time is measured two ways: the renderer's TaskDuration (Chrome
 * DevTools Protocol Performance metrics) over the run, per second, whose with-minus-without
 * difference drowns in a loaded machine's noise; and the recorder's own time, from a sampling CPU
 * profile of the page (every sample whose stack has a frame of the recorder's script, the
 * browser calls it makes included). Bytes are the CanvasMutation events as JSON, and gzipped, per second.
 * Prints a Markdown section for BENCHMARKS.md, with the load average next to it.
 */
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { bundleForBrowser } from '../test/helpers/bundle';
import { launchChromium } from '../test/helpers/chromium';
import { startTestServer } from '../test/helpers/server';
import { CANVAS_FPS, CANVAS_MAX_SIZE, CANVAS_QUALITY } from '../src/record/canvas/capture';

const RUN_SECONDS = 10;
/** CPU profile sampling interval, µs: fine enough for sub-millisecond callbacks. */
const PROFILE_INTERVAL_US = 100;

interface Profile {
  nodes: Array<{ id: number; callFrame: { url: string }; children?: number[] }>;
  samples?: number[];
  timeDeltas?: number[];
}

/** Milliseconds of samples whose stack holds a frame of /openstory.js (the recorder under test). */
function recorderMs(profile: Profile): number {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const ours = new Map<number, boolean>();
  const isOurs = (id: number): boolean => {
    let known = ours.get(id);
    if (known === undefined) {
      const up = parent.get(id);
      known = Boolean(byId.get(id)?.callFrame.url.endsWith('/openstory.js')) || (up !== undefined && isOurs(up));
      ours.set(id, known);
    }
    return known;
  };
  let micros = 0;
  (profile.samples ?? []).forEach((id, index) => {
    if (isOurs(id)) micros += profile.timeDeltas?.[index] ?? 0;
  });
  return micros / 1000;
}
const ROUNDS = 5;

const PAGE = `<!doctype html><html><head><script src="/openstory.js"></script></head><body>
<canvas id="c" width="640" height="360"></canvas>
<script>
  const context = document.getElementById('c').getContext('2d');
  let frame = 0;
  (function draw() {
    frame++;
    const gradient = context.createLinearGradient(0, 0, 640, 360);
    gradient.addColorStop(0, 'hsl(' + (frame % 360) + ', 70%, 50%)');
    gradient.addColorStop(1, 'hsl(' + ((frame + 180) % 360) + ', 70%, 30%)');
    context.fillStyle = gradient;
    context.fillRect(0, 0, 640, 360);
    for (let i = 0; i < 20; i++) {
      context.fillStyle = 'rgba(255, 255, 255, 0.6)';
      context.beginPath();
      context.arc((frame * (i + 1)) % 640, 20 + i * 16, 10, 0, Math.PI * 2);
      context.fill();
    }
    context.fillStyle = '#000';
    context.font = '24px sans-serif';
    context.fillText('frame ' + frame, 20, 340);
    requestAnimationFrame(draw);
  })();
</script></body></html>`;

interface Run {
  taskMsPerSecond: number;
  recorderMsPerSecond: number;
  frames: number;
  jsonBytesPerSecond: number;
  gzipBytesPerSecond: number;
}

async function main(): Promise<void> {
  const [browser, server, bundle] = await Promise.all([launchChromium(), startTestServer(), bundleForBrowser()]);
  server.pages.set('/openstory.js', bundle);
  server.pages.set('/canvas-bench.html', PAGE);
  const load = loadavg().map((value) => value.toFixed(2)).join(', ');
  const runs: Record<'off' | 'on', Run[]> = { off: [], on: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['off', 'on'] as const) {
        const page = await browser.newPage();
        await page.goto(`${server.url}/canvas-bench.html`);
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Performance.enable');
        const taskSeconds = async () =>
          ((await cdp.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0);
        await page.evaluate(`window.__events = []; window.__stop = openstory.record({ recordCanvas: ${mode === 'on'}, emit: (event) => window.__events.push(event) });`);
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: PROFILE_INTERVAL_US });
        await cdp.send('Profiler.start');
        const before = await taskSeconds();
        await page.evaluate(`new Promise((resolve) => setTimeout(resolve, ${RUN_SECONDS * 1000}))`);
        const after = await taskSeconds();
        const { profile } = await cdp.send('Profiler.stop');
        const frames = (await page.evaluate(`JSON.stringify(window.__events.filter((event) => event.type === 3 && event.data.source === 9))`)) as string;
        await page.evaluate('window.__stop()');
        const count = (JSON.parse(frames) as unknown[]).length;
        runs[mode].push({
          taskMsPerSecond: ((after - before) * 1000) / RUN_SECONDS,
          recorderMsPerSecond: recorderMs(profile) / RUN_SECONDS,
          frames: count,
          jsonBytesPerSecond: count ? Buffer.byteLength(frames) / RUN_SECONDS : 0,
          gzipBytesPerSecond: count ? gzipSync(frames, { level: 9 }).length / RUN_SECONDS : 0,
        });
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const costs = runs.on.map((on, round) => on.taskMsPerSecond - runs.off[round].taskMsPerSecond);
  const on = (key: keyof Run) => median(runs.on.map((run) => run[key]));
  console.log(`## Canvas recording: cost on an animated canvas (\`npx tsx bench/canvas.ts\`)

Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average ${load} (2 cores). A 640×360 2D canvas
redrawn every animation frame, recorded ${RUN_SECONDS} s without and with \`recordCanvas\` (${CANVAS_FPS} frames/s,
WebP quality ${CANVAS_QUALITY}, at most ${CANVAS_MAX_SIZE} px a side), alternating, ${ROUNDS} rounds; medians.

| | recorder's main-thread time | all main-thread tasks | canvas frames | frame JSON | frames gzipped |
|---|---|---|---|---|---|
| without recordCanvas | ${median(runs.off.map((run) => run.recorderMsPerSecond)).toFixed(2)} ms/s | ${median(runs.off.map((run) => run.taskMsPerSecond)).toFixed(1)} ms/s | 0 | 0 | 0 |
| with recordCanvas | ${on('recorderMsPerSecond').toFixed(2)} ms/s | ${on('taskMsPerSecond').toFixed(1)} ms/s | ${(on('frames') / RUN_SECONDS).toFixed(1)}/s | ${(on('jsonBytesPerSecond') / 1024).toFixed(1)} KiB/s | ${(on('gzipBytesPerSecond') / 1024).toFixed(1)} KiB/s |

All main-thread tasks, with minus without in the same round: ${costs.map((cost) => cost.toFixed(1)).join(', ')} ms/s
(median ${median(costs).toFixed(1)}); the recorder's own time with recordCanvas, per round: ${runs.on.map((run) => run.recorderMsPerSecond.toFixed(2)).join(', ')} ms/s.`);
}

await main();
