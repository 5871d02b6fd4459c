import type { eventWithTime } from '@rrweb/types';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { liveDom, openScenario, probeLive, recordedEvents, replayed, useHarness, startRecording, step } from './harness';
import { EventType, IncrementalSource } from '../../src/lib/rrweb';

/*
 * The kinds of page on which rrweb's own recording replayed better than ours (a replaced
 * MutationObserver, CSSOM declaration changes, legacy addRule/removeRule, modal dialogs, srcset
 * URLs with commas): each is recorded live, replayed with rrweb's Replayer, and the replay must
 * equal the live page, computed styles included where the case is about CSS.
 */

const harness = useHarness();

/** The replay's DOM and `probe` (over `doc`) equal the live page's. */
async function expectReplayMatches(page: Page, probe = 'null'): Promise<void> {
  const events = await recordedEvents(page);
  const result = await replayed(harness, events, probe.replace(/getComputedStyle/g, 'doc.defaultView.getComputedStyle'));
  expect(result.dom).toEqual(await liveDom(page));
  expect(result.probe).toEqual(await probeLive(page, probe));
}

test('a page that replaced window.MutationObserver is recorded with an untouched one, and says so once', async () => {
  const page = await openScenario(harness, '/hijacked.html', '<ul id="list"><li>one</li></ul>');
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  // A framework's replacement that never delivers a record.
  await page.evaluate(`window.MutationObserver = class { observe() {} disconnect() {} takeRecords() { return []; } }`);
  await startRecording(page);
  await step(page, `
    const list = document.getElementById('list');
    list.appendChild(document.createElement('li')).textContent = 'two';
    list.firstElementChild.setAttribute('class', 'first');
  `);
  await expectReplayMatches(page);
  const events = await recordedEvents(page);
  const mutations = events.filter((event) => event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.Mutation);
  expect(mutations).toHaveLength(1);
  // The borrowed frame came and went before anything was observed.
  expect(JSON.stringify(events)).not.toContain('iframe');
  expect(await probeLive(page, `doc.querySelectorAll('iframe').length`)).toBe(0);
  expect(warnings.filter((text) => text.includes('MutationObserver'))).toHaveLength(1);
  await page.close();
});

const RULES_PROBE = `['a', 'b', 'c', 'd'].map((id) => { const s = getComputedStyle(doc.getElementById(id)); return [s.color, s.fontSize, s.fontWeight, s.marginLeft]; })`;

test('CSSOM declaration changes on rules (also nested in @media and @supports) and legacy addRule/removeRule', async () => {
  const page = await openScenario(
    harness,
    '/declarations.html',
    '<p id="a">a</p><p id="b">b</p><p id="c">c</p><p id="d">d</p>',
    `<style id="s">#a { color: rgb(0, 0, 255); font-size: 20px; }
     @media screen { @supports (display: grid) { #b { color: rgb(0, 128, 0); } } }
     #c { font-weight: 700; }</style><style id="empty"></style>`,
  );
  await startRecording(page);
  await step(page, `
    const sheet = document.getElementById('s').sheet;
    sheet.cssRules[0].style.setProperty('color', 'rgb(255, 0, 0)');
    sheet.cssRules[0].style.removeProperty('font-size');
    sheet.cssRules[1].cssRules[0].cssRules[0].style.setProperty('font-size', '27px', 'important');
    sheet.cssRules[2].style.removeProperty('font-weight');
    const legacy = document.getElementById('empty').sheet;
    legacy.addRule('#d', 'margin-left: 13px');
    legacy.addRule('#c', 'margin-left: 7px', 0);
    legacy.addRule('#a', 'font-weight: 300');
    legacy.removeRule();
  `);
  // Element inline styles reach the style attribute: they are not declaration events.
  await step(page, `document.getElementById('d').style.setProperty('font-size', '9px');`);
  expect(await probeLive(page, RULES_PROBE)).toEqual([
    ['rgb(255, 0, 0)', '16px', '300', '0px'],
    ['rgb(0, 128, 0)', '27px', '400', '0px'],
    ['rgb(0, 0, 0)', '16px', '400', '0px'],
    ['rgb(0, 0, 0)', '9px', '400', '13px'],
  ]);
  await expectReplayMatches(page, RULES_PROBE);
  const declarations = (await recordedEvents(page)).filter(
    (event) => event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.StyleDeclaration,
  );
  expect(declarations).toHaveLength(4);
  await page.close();
});

test('CSSOM declaration changes inside a same-origin iframe', async () => {
  harness.server.pages.set(
    '/styled-frame.html',
    '<!doctype html><html><head><style>@media all { #a { color: rgb(0, 0, 255); } } #b { margin-left: 3px; }</style></head><body><p id="a">a</p><p id="b">b</p></body></html>',
  );
  const page = await openScenario(harness, '/frame-host.html', '<iframe id="f" src="/styled-frame.html"></iframe>');
  await startRecording(page);
  await step(page, `
    const sheet = document.getElementById('f').contentDocument.styleSheets[0];
    sheet.cssRules[0].cssRules[0].style.setProperty('color', 'rgb(1, 2, 3)');
    sheet.cssRules[1].style.removeProperty('margin-left');
  `);
  const probe = `(() => { const d = doc.querySelector('iframe').contentDocument; return ['a', 'b'].map((id) => { const s = d.defaultView.getComputedStyle(d.getElementById(id)); return [s.color, s.marginLeft]; }); })()`;
  expect(await probeLive(page, probe)).toEqual([
    ['rgb(1, 2, 3)', '0px'],
    ['rgb(0, 0, 0)', '0px'],
  ]);
  const result = await replayed(harness, await recordedEvents(page), probe);
  expect(result.probe).toEqual(await probeLive(page, probe));
  await page.close();
});

const DIALOG_PROBE = `Array.from(doc.querySelectorAll('dialog'), (d) => [d.id, d.open, d.matches(':modal')])`;

/**
 * `probe` over the replayed document after rrweb's Replayer played the events in real time. Its
 * fast-forward (what `replayed` does) rebuilds dialogs from a virtual DOM that removes `open`
 * before asking a modal dialog to close, which then stays in the top layer; played events close it.
 */
async function playedProbe(events: eventWithTime[], probe: string): Promise<unknown> {
  const page = await harness.browser.newPage();
  try {
    await page.goto(`${harness.server.url}/replay.html`);
    return await page.evaluate(`((events) => {
      const replayer = new rrweb.Replayer(events, { root: document.body, showWarning: false, mouseTail: false, triggerFocus: false });
      replayer.play();
      const duration = events[events.length - 1].timestamp - events[0].timestamp;
      return new Promise((resolve) => setTimeout(() => { const doc = replayer.iframe.contentDocument; resolve(${probe}); }, duration + ${PLAY_MARGIN_MS}));
    })(${JSON.stringify(events)})`);
  } finally {
    await page.close();
  }
}

/** Time the Replayer's timer needs beyond the recording's own span to have applied every event. */
const PLAY_MARGIN_MS = 500;

test('dialogs opened with showModal() replay as modal (top layer), before and during recording', async () => {
  const page = await openScenario(harness, '/dialog.html', '<dialog id="early">early</dialog><dialog id="late">late</dialog><dialog id="plain">plain</dialog>');
  await page.evaluate(`document.getElementById('early').showModal()`);
  await startRecording(page);
  await step(page, `document.getElementById('early').close(); document.getElementById('late').showModal(); document.getElementById('plain').show();`);
  const live = await probeLive(page, DIALOG_PROBE);
  expect(live).toEqual([
    ['early', false, false],
    ['late', true, true],
    ['plain', true, false],
  ]);
  const events = await recordedEvents(page);
  expect(await playedProbe(events, DIALOG_PROBE)).toEqual(live);
  expect((await replayed(harness, events)).dom).toEqual(await liveDom(page));
  await page.close();

  // Open as a modal when the snapshot is taken, and still open at the end.
  const snapshotPage = await openScenario(harness, '/dialog-open.html', '<dialog id="modal">modal</dialog>');
  await snapshotPage.evaluate(`document.getElementById('modal').showModal()`);
  await startRecording(snapshotPage);
  await step(snapshotPage, `document.body.appendChild(document.createElement('p')).textContent = 'after';`);
  await expectReplayMatches(snapshotPage, DIALOG_PROBE);
  expect(await probeLive(snapshotPage, DIALOG_PROBE)).toEqual([['modal', true, true]]);
  await snapshotPage.close();
});

test('srcset URLs that contain commas are kept whole', async () => {
  const srcset = 'https://cdn.test/w_100,h_50/a.png 1x, https://cdn.test/w_200,h_100/a.png 2x';
  const page = await openScenario(harness, '/srcset.html', `<img id="i" alt="" srcset="${srcset}"><div id="more"></div>`);
  await startRecording(page);
  await step(page, `
    const img = document.createElement('img');
    img.alt = '';
    img.srcset = 'https://cdn.test/c_fill,w_300/b.png 300w,/relative,comma.png 600w';
    document.getElementById('more').appendChild(img);
  `);
  const probe = `Array.from(doc.querySelectorAll('img'), (img) => img.getAttribute('srcset'))`;
  const result = await replayed(harness, await recordedEvents(page), probe);
  expect(result.probe).toEqual([srcset, `https://cdn.test/c_fill,w_300/b.png 300w, ${harness.server.url}/relative,comma.png 600w`]);
  await page.close();
});
