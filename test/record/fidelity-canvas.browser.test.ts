import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { eventWithTime } from '@rrweb/types';
import { expect, test } from 'vitest';
import { openScenario, recordedEvents, useHarness, startRecording } from './harness';
import { EventType, IncrementalSource } from '../../src/lib/rrweb';
import { CANVAS_FPS } from '../../src/record/canvas/capture';

/*
 * Canvas recording (recordCanvas): a 2D canvas animated by the page, a WebGL one, a canvas drawn
 * once, and one inside an excluded element. Recorded live, replayed with rrweb's Replayer (which
 * applies canvas frames with UNSAFE_replayCanvas), pixels compared with the live page roughly.
 */

const harness = useHarness();

const PAGE = `
  <canvas id="anim" width="120" height="80"></canvas>
  <canvas id="gl" width="64" height="64"></canvas>
  <canvas id="still" width="40" height="40"></canvas>
  <div class="fs-exclude"><canvas id="hidden" width="40" height="40"></canvas></div>`;

const DRAW = `(() => {
  const anim = document.getElementById('anim').getContext('2d');
  let frame = 0;
  const draw = () => {
    frame++;
    anim.fillStyle = 'rgb(0, 0, 255)';
    anim.fillRect(0, 0, 120, 80);
    anim.fillStyle = 'rgb(255, 0, 0)';
    anim.fillRect(frame % 100, 10, 20, 20);
    const gl = document.getElementById('gl').getContext('webgl');
    gl.clearColor(0, 0.5, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    window.__frame = requestAnimationFrame(draw);
  };
  draw();
  const still = document.getElementById('still').getContext('2d');
  still.fillStyle = 'rgb(255, 255, 0)';
  still.fillRect(0, 0, 40, 40);
  const hidden = document.getElementById('hidden').getContext('2d');
  hidden.fillStyle = 'rgb(255, 0, 255)';
  hidden.fillRect(0, 0, 40, 40);
})()`;

/** The pixel at (x, y) of each canvas, read in a document where `doc` is bound. */
const PIXELS = `(() => {
  const pixel = (id, x, y) => {
    const source = doc.getElementById(id);
    const copy = doc.createElement('canvas');
    copy.width = source.width; copy.height = source.height;
    const context = copy.getContext('2d');
    context.drawImage(source, 0, 0);
    return Array.from(context.getImageData(x, y, 1, 1).data);
  };
  return { anim: pixel('anim', 110, 70), gl: pixel('gl', 32, 32), still: pixel('still', 20, 20) };
})()`;

function canvasFrames(events: eventWithTime[]): Array<{ id: number }> {
  return events.flatMap((event) =>
    event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.CanvasMutation ? [event.data] : [],
  );
}

/** Plays the events with rrweb's Replayer, canvas on, and reads PIXELS once every canvas has a frame. */
async function replayedPixels(events: eventWithTime[]): Promise<unknown> {
  const page = await harness.browser.newPage();
  try {
    await page.goto(`${harness.server.url}/replay.html`);
    await page.evaluate(`((events) => {
      window.replayer = new rrweb.Replayer(events, { root: document.body, showWarning: false, mouseTail: false, UNSAFE_replayCanvas: true });
      replayer.pause(events[events.length - 1].timestamp - events[0].timestamp + 1);
    })(${JSON.stringify(events)})`);
    // Frames are drawn once their images have decoded: wait for the still canvas and the animated one.
    await page.waitForFunction(`(() => { const doc = replayer.iframe.contentDocument; const p = ${PIXELS}; return p.still[3] > 0 && p.anim[3] > 0 && p.gl[3] > 0; })()`);
    return await page.evaluate(`(() => { const doc = replayer.iframe.contentDocument; return ${PIXELS}; })()`);
  } finally {
    await page.close();
  }
}

function roughlyEqual(replayed: Record<string, number[]>, live: Record<string, number[]>): void {
  for (const [id, pixel] of Object.entries(live)) {
    // WebP at the recorder's quality moves a channel by a few units.
    pixel.forEach((channel, index) => expect(Math.abs(replayed[id][index] - channel), `${id}[${index}]`).toBeLessThan(24));
  }
}

test('recordCanvas: 2D and WebGL frames replay roughly as shown, unchanged canvases send nothing, excluded ones never, stop stops', async () => {
  const page = await openScenario(harness, '/canvas.html', PAGE);
  await page.evaluate(DRAW);
  // Counts the workers the recorder makes: frames are encoded off the page's thread.
  await page.evaluate('window.__workers = 0; window.Worker = class extends Worker { constructor(...args) { super(...args); window.__workers++; } }');
  await startRecording(page, '{ recordCanvas: true }');
  const framesSeen = `window.__events.filter((line) => line.includes('"source":9')).length`;
  // The animated and WebGL canvases change every frame: wait for four rounds of frames.
  await page.waitForFunction(`${framesSeen} >= 8`);
  // The pixels read do not move with the animation: every recorded frame shows them as the page does.
  // Read in an animation frame after the page's drawing, while the WebGL buffer still holds it.
  const live = (await page.evaluate(`new Promise((resolve) => requestAnimationFrame(() => resolve(((doc) => ${PIXELS})(document))))`)) as Record<string, number[]>;
  await page.evaluate('cancelAnimationFrame(window.__frame)');
  await page.evaluate('window.__stop()');
  const events = await recordedEvents(page);
  const frames = canvasFrames(events);
  const perCanvas = new Map<number, number>();
  for (const frame of frames) perCanvas.set(frame.id, (perCanvas.get(frame.id) ?? 0) + 1);
  // Three canvases recorded; the excluded one never; the still one once.
  expect(perCanvas.size).toBe(3);
  expect([...perCanvas.values()].sort((a, b) => a - b)[0]).toBe(1);
  expect(JSON.stringify(events)).not.toContain('hidden');
  expect(await page.evaluate('window.__workers')).toBe(1);
  roughlyEqual((await replayedPixels(events)) as Record<string, number[]>, live);
  // Nothing after stop(), though the page keeps drawing: no frame in three capture periods.
  await page.evaluate(DRAW);
  await page.evaluate(`new Promise((resolve) => setTimeout(resolve, ${(3 * 1000) / CANVAS_FPS}))`);
  expect(canvasFrames(await recordedEvents(page))).toHaveLength(frames.length);
  await page.close();
});

test('fs.js carries no canvas code: it imports canvas.js from beside itself, only when recordCanvas is on', async () => {
  const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
  const [fsJs, canvasJs, telemetryJs] = await Promise.all(['fs.js', 'canvas.js', 'telemetry.js'].map((file) => readFile(`${dist}${file}`, 'utf8')));
  expect(fsJs).not.toContain('OffscreenCanvas');
  harness.server.pages.set('/lib/fs.js', fsJs);
  harness.server.pages.set('/lib/canvas.js', canvasJs);
  harness.server.pages.set('/lib/telemetry.js', telemetryJs);
  for (const recordCanvas of [false, true]) {
    harness.server.pages.set(
      `/chunk-${recordCanvas}.html`,
      `<!doctype html><html><head><script>window._fs_org = 'o'; window._fs_host = '${harness.server.url}'; window._fs_options = { recordCanvas: ${recordCanvas} }; window._fs_ready = () => { window.__started = true; };</script>
       <script src="/lib/fs.js"></script></head><body><canvas width="20" height="20"></canvas></body></html>`,
    );
    const page = await harness.browser.newPage();
    const requested: string[] = [];
    const loaded: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    page.on('requestfinished', (request) => loaded.push(new URL(request.url()).pathname));
    const warnings: string[] = [];
    page.on('console', (message) => warnings.push(message.text()));
    await page.goto(`${harness.server.url}/chunk-${recordCanvas}.html`);
    // Capture has started (FullStory's _fs_ready): the recorder would have asked for canvas.js by now.
    await page.waitForFunction('window.__started === true');
    if (recordCanvas) await expect.poll(() => loaded).toContain('/lib/canvas.js');
    else expect(requested).not.toContain('/lib/canvas.js');
    // canvas.js started: a failed import or start would be reported as an internal error.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    expect(warnings.filter((text) => text.includes('internal error'))).toEqual([]);
    await page.close();
  }
});
