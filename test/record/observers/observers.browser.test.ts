import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { EventType, IncrementalSource, MouseInteractions, type eventWithTime, type serializedNodeWithId } from '@rrweb/types';
import { launchChromium } from '../../helpers/chromium';
import { startTestServer, type TestServer } from '../../helpers/server';
import { bundleForBrowser, RRWEB_UMD_PATH } from '../../helpers/bundle';

// Interactions recorded through the real record() in Chromium, then replayed by rrweb's player.

const SCENARIO = `<!doctype html>
<html><head><style id="sheet">p { color: black; }</style></head>
<body style="height: 3000px; margin: 0">
  <button id="go">Go</button>
  <input id="name">
  <input id="pw" type="password">
  <label><input type="radio" name="size" id="small" value="s" checked>S</label>
  <label><input type="radio" name="size" id="large" value="l">L</label>
  <div id="box" style="height: 100px; overflow: auto"><div style="height: 1000px">tall</div></div>
  <div class="fs-exclude" id="private"><input id="secret"></div>
</body></html>`;

/**
 * Open shadow roots there before recording starts: one the snapshot's first slice reaches, one
 * after 25,000 elements (a later slice). Scroll events stay inside a shadow root, so they are
 * recorded only where the observers listen on the root.
 */
const SHADOW_SCROLLER = '<div id="ID" style="height: 50px; overflow: auto"><div style="height: 500px">tall</div></div>';
const EARLY_SHADOW = `<!doctype html>
<html><body>
  <div id="near-host"></div><div id="filler"></div><div id="far-host"></div>
  <script>
    document.getElementById('near-host').attachShadow({ mode: 'open' }).innerHTML = '${SHADOW_SCROLLER.replace('ID', 'near-scroller')}';
    const filler = document.getElementById('filler');
    for (let i = 0; i < 25000; i++) filler.appendChild(document.createElement('span'));
    document.getElementById('far-host').attachShadow({ mode: 'open' }).innerHTML = '${SHADOW_SCROLLER.replace('ID', 'far-scroller')}';
  </script>
</body></html>`;

type Page$ = Page & { events(): Promise<eventWithTime[]> };

let browser: Browser;
let server: TestServer;
let recorder: string;
let rrwebScript: string;

beforeAll(async () => {
  [browser, server, recorder, rrwebScript] = await Promise.all([
    launchChromium(),
    startTestServer(),
    bundleForBrowser('src/record/index.ts', 'openstoryRecord'),
    readFile(RRWEB_UMD_PATH, 'utf8'),
  ]);
  server.pages.set('/scenario', SCENARIO);
  server.pages.set('/early-shadow', EARLY_SHADOW);
  server.pages.set('/replay', '<!doctype html><div id="player"></div>');
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function recordedPage(path = '/scenario'): Promise<Page$> {
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await page.goto(`${server.url}${path}`);
  await page.addScriptTag({ content: recorder });
  await page.evaluate(() => {
    const w = window as unknown as {
      events: unknown[];
      originals: unknown[];
      stopRecording: () => void;
      openstoryRecord: { record(o: object): () => void };
    };
    w.events = [];
    w.originals = [history.pushState, CSSStyleSheet.prototype.insertRule];
    // Form Privacy off: these tests read typed values back; its default is tested in test/privacy.
    w.stopRecording = w.openstoryRecord.record({ emit: (event: unknown) => w.events.push(event), formPrivacy: false });
  });
  return Object.assign(page, {
    events: () => page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { events: unknown[] }).events))),
  });
}

/** The id the full snapshot gave to the element with this id attribute. */
function idInSnapshot(events: eventWithTime[], elementId: string): number {
  const snapshot = events.find((event) => event.type === EventType.FullSnapshot);
  const search = (node: serializedNodeWithId): number | undefined => {
    if ('attributes' in node && node.attributes.id === elementId) return node.id;
    for (const child of 'childNodes' in node ? node.childNodes : []) {
      const found = search(child);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const id = snapshot && search((snapshot.data as { node: serializedNodeWithId }).node);
  if (id === undefined) throw new Error(`#${elementId} is not in the full snapshot`);
  return id;
}

const incremental = (events: eventWithTime[], source: IncrementalSource) =>
  events.flatMap((event) =>
    event.type === EventType.IncrementalSnapshot && event.data.source === source ? [event.data as unknown as Record<string, unknown>] : [],
  );

/** Replays the events with rrweb's Replayer up to their end and returns a probe of the replayed document. */
async function replay<T>(events: eventWithTime[], probe: (doc: Document) => T): Promise<T> {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/replay`);
    await page.addScriptTag({ content: rrwebScript });
    const source = `(${probe.toString()})`;
    return await page.evaluate(
      ({ json, source }) => {
        const events = JSON.parse(json) as Array<{ timestamp: number }>;
        const { Replayer } = (window as unknown as { rrweb: { Replayer: new (e: unknown[], o: object) => { pause(t: number): void; iframe: HTMLIFrameElement } } }).rrweb;
        const replayer = new Replayer(events, { root: document.getElementById('player'), showWarning: false });
        // The player applies synchronously the events strictly before the pause point.
        replayer.pause(events[events.length - 1].timestamp - events[0].timestamp + 1);
        return (0, eval)(source)(replayer.iframe.contentDocument);
      },
      { json: JSON.stringify(events), source },
    );
  } finally {
    await page.close();
  }
}

describe('interaction observers through record()', () => {
  test('scrolls inside shadow roots that existed before recording are recorded, wherever the sliced snapshot met them', async () => {
    const page = await recordedPage('/early-shadow');
    await page.waitForFunction(() =>
      // 2: FullSnapshot (a literal: this runs in the page).
      (window as unknown as { events: Array<{ type: number }> }).events.some((event) => event.type === 2),
    );
    await page.evaluate(() => {
      for (const host of ['near-host', 'far-host']) {
        const scroller = document.getElementById(host)?.shadowRoot?.firstElementChild as HTMLElement;
        scroller.scrollTop = 100;
      }
    });
    await page.waitForFunction(
      () => (window as unknown as { events: Array<{ data?: { source?: number } }> }).events.filter((event) => event.data?.source === 3).length >= 2,
    );
    const events = await page.events();
    await page.close();
    const scrolls = incremental(events, IncrementalSource.Scroll);
    expect(scrolls).toContainEqual({ source: IncrementalSource.Scroll, id: idInSnapshot(events, 'near-scroller'), x: 0, y: 100 });
    expect(scrolls).toContainEqual({ source: IncrementalSource.Scroll, id: idInSnapshot(events, 'far-scroller'), x: 0, y: 100 });
  });

  test('typing, clicking and checking radios are recorded, masked where required, and replay into the fields', async () => {
    const page = await recordedPage();
    await page.mouse.move(5, 5);
    await page.mouse.move(300, 200, { steps: 10 });
    await page.click('#go');
    await page.fill('#name', 'Ada Lovelace');
    await page.fill('#pw', 'hunter2-SENTINEL');
    await page.check('#large');
    await page.fill('#secret', 'excluded-SENTINEL');
    await page.evaluate(() => ((document.getElementById('name') as HTMLInputElement).value = 'set by script'));
    // Mouse positions arrive in batches (every 500 ms by default).
    await page.waitForFunction(() =>
      (window as unknown as { events: Array<{ data?: { source?: number } }> }).events.some((event) => event.data?.source === 1),
    );
    const events = await page.events();
    await page.close();

    const moves = incremental(events, IncrementalSource.MouseMove).flatMap((data) => data.positions as Array<{ x: number; timeOffset: number }>);
    expect(moves.length).toBeGreaterThan(1);
    expect(moves.every((position) => position.timeOffset <= 0)).toBe(true);
    const clicks = incremental(events, IncrementalSource.MouseInteraction).filter((data) => data.type === MouseInteractions.Click);
    expect(clicks).toContainEqual(expect.objectContaining({ id: idInSnapshot(events, 'go'), x: expect.any(Number), y: expect.any(Number) }));
    const inputs = incremental(events, IncrementalSource.Input);
    expect(inputs).toContainEqual(expect.objectContaining({ id: idInSnapshot(events, 'name'), text: 'Ada Lovelace', userTriggered: true }));
    expect(inputs).toContainEqual(expect.objectContaining({ id: idInSnapshot(events, 'small'), isChecked: false }));
    expect(inputs).toContainEqual(expect.objectContaining({ id: idInSnapshot(events, 'large'), isChecked: true }));
    expect(JSON.stringify(events)).not.toContain('SENTINEL');

    const replayed = await replay(events, (doc) => ({
      name: (doc.getElementById('name') as HTMLInputElement).value,
      small: (doc.getElementById('small') as HTMLInputElement).checked,
      large: (doc.getElementById('large') as HTMLInputElement).checked,
      password: (doc.getElementById('pw') as HTMLInputElement).value,
    }));
    expect(replayed).toEqual({ name: 'set by script', small: false, large: true, password: '********' });
  });

  test('window and element scrolls and viewport resizes are recorded with the right ids', async () => {
    const page = await recordedPage();
    await page.evaluate(() => window.scrollTo(0, 400));
    await page.evaluate(() => ((document.getElementById('box') as HTMLElement).scrollTop = 250));
    await page.setViewportSize({ width: 640, height: 480 });
    await page.waitForFunction(() => {
      const { events } = window as unknown as { events: Array<{ data?: { source?: number; y?: number } }> };
      return (
        events.some((event) => event.data?.source === 3 && event.data.y === 250) &&
        events.some((event) => event.data?.source === 4)
      );
    });
    const events = await page.events();
    await page.close();
    const documentId = (events.find((event) => event.type === EventType.FullSnapshot)?.data as { node: { id: number } }).node.id;
    const scrolls = incremental(events, IncrementalSource.Scroll);
    expect(scrolls).toContainEqual({ source: IncrementalSource.Scroll, id: documentId, x: 0, y: 400 });
    expect(scrolls).toContainEqual({ source: IncrementalSource.Scroll, id: idInSnapshot(events, 'box'), x: 0, y: 250 });
    expect(incremental(events, IncrementalSource.ViewportResize)).toContainEqual({
      source: IncrementalSource.ViewportResize,
      width: 640,
      height: 480,
    });
  });

  test('history navigation emits Meta events, and stop restores history and the CSSOM', async () => {
    const page = await recordedPage();
    const patched = await page.evaluate(() => {
      const w = window as unknown as { originals: unknown[] };
      return [history.pushState === w.originals[0], CSSStyleSheet.prototype.insertRule === w.originals[1]];
    });
    expect(patched).toEqual([false, false]);
    await page.evaluate(() => history.pushState({}, '', '/scenario/step-2'));
    await page.evaluate(() => (location.hash = 'details'));
    await page.goBack();
    await page.waitForFunction(() => location.pathname === '/scenario/step-2' && location.hash === '');
    await page.waitForFunction(
      () => (window as unknown as { events: Array<{ type: number }> }).events.filter((event) => event.type === 4).length >= 4,
    );
    const restored = await page.evaluate(() => {
      const w = window as unknown as { stopRecording(): void; originals: unknown[] };
      w.stopRecording();
      return [history.pushState === w.originals[0], CSSStyleSheet.prototype.insertRule === w.originals[1]];
    });
    const events = await page.events();
    await page.close();
    expect(restored).toEqual([true, true]);
    const hrefs = events.filter((event) => event.type === EventType.Meta).map((event) => (event.data as { href: string }).href);
    expect(hrefs).toEqual([
      `${server.url}/scenario`,
      `${server.url}/scenario/step-2`,
      `${server.url}/scenario/step-2#details`,
      `${server.url}/scenario/step-2`,
    ]);
  });

  test('CSSOM rule insertion and deletion are recorded and replay into the stylesheet', async () => {
    const page = await recordedPage();
    await page.evaluate(() => {
      const sheet = (document.getElementById('sheet') as HTMLStyleElement).sheet as CSSStyleSheet;
      sheet.insertRule('#go { color: rgb(255, 0, 0); }', 1);
      sheet.insertRule('@media screen { #name { color: rgb(0, 0, 255); } }', 2);
      (sheet.cssRules[2] as CSSMediaRule).insertRule('#box { color: rgb(0, 128, 0); }', 1);
      sheet.deleteRule(0);
      const late = document.createElement('style');
      document.head.append(late);
      (late.sheet as CSSStyleSheet).insertRule('#pw { color: rgb(1, 2, 3); }');
    });
    // The late <style>'s rule waits for the mutation that records the element.
    await page.waitForFunction(
      () => (window as unknown as { events: Array<{ data?: { source?: number } }> }).events.filter((event) => event.data?.source === 8).length === 5,
    );
    const events = await page.events();
    await page.close();
    const sheetId = idInSnapshot(events, 'sheet');
    expect(incremental(events, IncrementalSource.StyleSheetRule).slice(0, 4)).toEqual([
      { source: IncrementalSource.StyleSheetRule, id: sheetId, adds: [{ rule: '#go { color: rgb(255, 0, 0); }', index: 1 }] },
      { source: IncrementalSource.StyleSheetRule, id: sheetId, adds: [{ rule: '@media screen { #name { color: rgb(0, 0, 255); } }', index: 2 }] },
      { source: IncrementalSource.StyleSheetRule, id: sheetId, adds: [{ rule: '#box { color: rgb(0, 128, 0); }', index: [2, 1] }] },
      { source: IncrementalSource.StyleSheetRule, id: sheetId, removes: [{ index: 0 }] },
    ]);
    const colors = await replay(events, (doc) =>
      ['go', 'name', 'box', 'pw'].map((id) => getComputedStyle(doc.getElementById(id) as Element).color),
    );
    expect(colors).toEqual(['rgb(255, 0, 0)', 'rgb(0, 0, 255)', 'rgb(0, 128, 0)', 'rgb(1, 2, 3)']);
  });

  test('adopted stylesheets of the document and of a shadow root replay, with later rule changes, also after a navigation', async () => {
    const page = await recordedPage();
    await page.evaluate(() => {
      const pageSheet = new CSSStyleSheet();
      pageSheet.replaceSync('#go { color: rgb(10, 20, 30); }');
      document.adoptedStyleSheets = [pageSheet];
      pageSheet.insertRule('#name { color: rgb(40, 50, 60); }');
      const host = document.createElement('div');
      host.id = 'host';
      document.body.append(host);
      const root = host.attachShadow({ mode: 'open' });
      root.innerHTML = '<span id="inner">shadow</span>';
      const shadowSheet = new CSSStyleSheet();
      shadowSheet.replaceSync('#inner { color: rgb(70, 80, 90); }');
      root.adoptedStyleSheets = [shadowSheet];
    });
    await page.waitForFunction(
      () => (window as unknown as { events: Array<{ data?: { source?: number } }> }).events.filter((event) => event.data?.source === 15).length === 2,
    );
    // The recorder answers a navigation's Meta with a new full snapshot, where the player starts
    // over: the adopted sheets must come again after it.
    await page.evaluate(() => history.pushState({}, '', '/scenario/styled'));
    await page.waitForFunction(
      () => (window as unknown as { events: Array<{ data?: { source?: number } }> }).events.filter((event) => event.data?.source === 15).length === 4,
    );
    const events = await page.events();
    await page.close();
    const colors = await replay(events, (doc) => [
      getComputedStyle(doc.getElementById('go') as Element).color,
      getComputedStyle(doc.getElementById('name') as Element).color,
      getComputedStyle((doc.getElementById('host') as Element).shadowRoot?.getElementById('inner') as Element).color,
    ]);
    expect(colors).toEqual(['rgb(10, 20, 30)', 'rgb(40, 50, 60)', 'rgb(70, 80, 90)']);
  });

  test('a same-origin iframe gets its own observers: typing and CSSOM inside it are recorded, and stop restores its globals', async () => {
    server.pages.set('/framed', '<input id="inner"><style id="frame-sheet"></style>');
    const page = await recordedPage();
    await page.evaluate(async (src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
      document.body.append(frame);
      await loaded;
    }, `${server.url}/framed`);
    const frame = page.frames().find((candidate) => candidate.url().endsWith('/framed'));
    if (!frame) throw new Error('iframe not loaded');
    // The recorder attaches to the frame's document once it has loaded; wait for that.
    await frame.waitForFunction(() => CSSStyleSheet.prototype.insertRule.toString().indexOf('[native code]') === -1);
    await frame.fill('#inner', 'inside the frame');
    await frame.evaluate(() =>
      ((document.getElementById('frame-sheet') as HTMLStyleElement).sheet as CSSStyleSheet).insertRule('#inner { color: red; }'),
    );
    await page.waitForFunction(() =>
      (window as unknown as { events: Array<{ data?: { source?: number } }> }).events.some((event) => event.data?.source === 8),
    );
    await page.evaluate(() => (window as unknown as { stopRecording(): void }).stopRecording());
    const restored = await frame.evaluate(() => CSSStyleSheet.prototype.insertRule.toString().includes('[native code]'));
    const events = await page.events();
    await page.close();
    expect(incremental(events, IncrementalSource.Input)).toContainEqual(expect.objectContaining({ text: 'inside the frame' }));
    expect(incremental(events, IncrementalSource.StyleSheetRule)).toContainEqual(
      expect.objectContaining({ adds: [{ rule: '#inner { color: red; }', index: 0 }] }),
    );
    expect(restored).toBe(true);
  });
});
