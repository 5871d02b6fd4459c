import type { Browser } from 'playwright-core';
import type { BenchWindow } from './run';

/** Sampling interval of the CPU profiler (µs): fine enough for runs of a few hundred ms. */
const SAMPLING_INTERVAL_US = 100;
const TOP_FUNCTIONS = 25;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

/**
 * Runs one workload with our recorder under the Chromium CPU profiler (CDP `Profiler`), started
 * after the recorder's full snapshot, and lists the functions with the most self time: where the
 * mutation path spends its time.
 */
export async function profileWorkload(browser: Browser, url: string, recorderScript: string, probe: string): Promise<string> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await page.addScriptTag({ content: recorderScript });
    await page.addScriptTag({ content: probe });
    await page.evaluate(() => (window as unknown as BenchWindow).__bench.start('openstory'));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await cdp.send('Profiler.start');
    const result = await page.evaluate(() => (window as unknown as BenchWindow).__bench.measure());
    const { profile } = await cdp.send('Profiler.stop');
    const nodes = new Map<number, ProfileNode>((profile.nodes as ProfileNode[]).map((node) => [node.id, node]));
    const selfMs = new Map<string, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const frame = nodes.get(samples[i])?.callFrame;
      if (!frame) continue;
      const key = `${frame.functionName || '(anonymous)'} ${frame.url ? frame.url.split('/').pop() : 'bundle'}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
      selfMs.set(key, (selfMs.get(key) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
    }
    const total = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);
    const top = [...selfMs.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP_FUNCTIONS);
    return [
      `${url}: last event after ${result.lastEventMs.toFixed(1)} ms; ${total.toFixed(0)} ms sampled`,
      'self ms  function (location in the bundle)',
      ...top.map(([key, ms]) => `${ms.toFixed(1).padStart(7)}  ${key}`),
    ].join('\n');
  } finally {
    await context.close().catch(() => undefined);
  }
}
