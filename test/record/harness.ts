import { readFile } from 'node:fs/promises';
import type { eventWithTime } from '@rrweb/types';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { bundleForBrowser, RRWEB_UMD_PATH } from '../helpers/bundle';
import { launchChromium } from '../helpers/chromium';
import { startTestServer, type TestServer } from '../helpers/server';
import { NORMALIZE_SOURCE, type NormalizedNode, type NormalizeOptions } from './dom-compare';

/**
 * Browser plumbing shared by the recorder's browser tests: a page that loads our bundle from
 * src/ and records into `window.__events` (as JSON strings, so later DOM changes cannot alter
 * what was emitted), and a page that replays events with rrweb's own Replayer.
 */
export interface Harness {
  browser: Browser;
  server: TestServer;
  close(): Promise<void>;
}

async function startHarness(): Promise<Harness> {
  const [browser, server, bundle, rrweb] = await Promise.all([
    launchChromium(),
    startTestServer(),
    bundleForBrowser(),
    readFile(RRWEB_UMD_PATH, 'utf8'),
  ]);
  server.pages.set('/openstory.js', bundle);
  server.pages.set('/rrweb.js', rrweb);
  server.pages.set('/normalize.js', NORMALIZE_SOURCE);
  server.pages.set('/replay.html', '<!doctype html><html><head><script src="/rrweb.js"></script><script src="/normalize.js"></script></head><body></body></html>');
  return {
    browser,
    server,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** The harness of one test file: started before its tests, stopped after them. */
export function useHarness(): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    Object.assign(harness, await startHarness());
  });
  afterAll(async () => {
    await harness.close?.();
  });
  return harness;
}

/** A page with the given body, our bundle and the normalizer loaded; nothing recorded yet. */
export async function openScenario(harness: Harness, path: string, body: string, head = ''): Promise<Page> {
  harness.server.pages.set(
    path,
    `<!doctype html><html><head><script src="/openstory.js"></script><script src="/normalize.js"></script>${head}</head><body>${body}</body></html>`,
  );
  const page = await harness.browser.newPage();
  await page.goto(`${harness.server.url}${path}`);
  return page;
}

/** Starts record() in the page; `optionsSource` is a JS object literal merged into its options. */
export async function startRecording(page: Page, optionsSource = '{}'): Promise<void> {
  await page.evaluate(`(() => {
    window.__events = [];
    window.__stop = openstory.record(Object.assign({ emit: (event) => window.__events.push(JSON.stringify(event)) }, ${optionsSource}));
  })()`);
}

/** Runs page code, then lets the MutationObserver deliver (it runs before the next task). */
export async function step(page: Page, source: string): Promise<void> {
  await page.evaluate(`(async () => { ${source} })()`);
  await page.evaluate('new Promise((resolve) => setTimeout(resolve, 0))');
}

export async function recordedEvents(page: Page): Promise<eventWithTime[]> {
  const raw = (await page.evaluate('window.__events')) as string[];
  return raw.map((line) => JSON.parse(line) as eventWithTime);
}

export async function rawEvents(page: Page): Promise<string> {
  return ((await page.evaluate('window.__events')) as string[]).join('\n');
}

export async function liveDom(page: Page, options: NormalizeOptions = {}): Promise<NormalizedNode> {
  return (await page.evaluate(`window.__normalizeDom(document.body, ${JSON.stringify(options)})`)) as NormalizedNode;
}

/**
 * Replays every event with rrweb's Replayer (synchronously, to the end) and normalizes its body.
 * `probe`, a JS expression over `doc`, is evaluated in the replayed document as well.
 */
export async function replayedDom(harness: Harness, events: eventWithTime[], probe = 'null'): Promise<NormalizedNode> {
  return (await replayed(harness, events, probe)).dom;
}

export async function replayed(
  harness: Harness,
  events: eventWithTime[],
  probe = 'null',
): Promise<{ dom: NormalizedNode; probe: unknown }> {
  const page = await harness.browser.newPage();
  try {
    await page.goto(`${harness.server.url}/replay.html`);
    return (await page.evaluate(`((events) => {
      const replayer = new rrweb.Replayer(events, { root: document.body, showWarning: false, mouseTail: false, triggerFocus: false });
      replayer.pause(events[events.length - 1].timestamp - events[0].timestamp + 1);
      const doc = replayer.iframe.contentDocument;
      return { dom: window.__normalizeDom(doc.body, { replay: true }), probe: (${probe}) };
    })(${JSON.stringify(events)})`)) as { dom: NormalizedNode; probe: unknown };
  } finally {
    await page.close();
  }
}

/** Evaluates a JS expression over `doc` (the live document) in the recorded page. */
export async function probeLive(page: Page, probe: string): Promise<unknown> {
  return page.evaluate(`((doc) => (${probe}))(document)`);
}
