import { expect, test } from 'vitest';
import { liveDom, openScenario, probeLive, recordedEvents, replayed, useHarness, startRecording, step } from './harness';
import { EventType, IncrementalSource } from '../../src/lib/rrweb';

/*
 * Stylesheets the markup does not show: constructed sheets adopted by documents and shadow roots
 * and changed later, sheets of two frames, and a <style> whose rules a script changed through the
 * CSSOM before recording started. Each page is recorded live, replayed with rrweb's Replayer
 * (fast-forward, as `replayed` does) and its computed styles compared with the live page's.
 */

const harness = useHarness();

const SHEETS_PROBE = `(() => {
  const look = (el) => { const s = getComputedStyle(el); return [s.color, s.marginLeft, s.fontWeight, s.fontStyle]; };
  const shadow = doc.getElementById('host').shadowRoot;
  return [look(doc.getElementById('a')), look(doc.getElementById('b')), look(shadow.getElementById('in'))];
})()`;

test('adopted sheets of the document and a shadow root, changed by replaceSync, replace, insertRule and deleteRule, replay as shown', async () => {
  const page = await openScenario(harness, '/adopted.html', '<p id="a">a</p><div id="host"></div>');
  await page.evaluate(`(() => {
    window.shared = new CSSStyleSheet();
    shared.replaceSync('#a { color: rgb(0, 0, 255); } #in { color: rgb(0, 0, 255); }');
    window.own = new CSSStyleSheet();
    own.replaceSync('#in { margin-left: 3px; }');
    document.adoptedStyleSheets = [shared];
    const root = document.getElementById('host').attachShadow({ mode: 'open' });
    root.innerHTML = '<p id="in">in</p>';
    root.adoptedStyleSheets = [shared, own];
  })()`);
  await startRecording(page);
  // A mutation first: from it on, rrweb's fast-forward works on its virtual DOM.
  await step(page, `document.body.appendChild(document.createElement('p')).id = 'b';`);
  await step(page, `
    shared.insertRule('#b { margin-left: 9px; }', 1);
    shared.deleteRule(0);
    own.replaceSync('#in { font-weight: 700; }');
    window.late = new CSSStyleSheet();
    document.adoptedStyleSheets = [shared, late];
    await late.replace('#a, #b { font-style: italic; }');
  `);
  await step(page, `late.insertRule('#a { color: rgb(0, 128, 0); }'); own.insertRule('#in { margin-left: 4px; }', 0);`);
  const live = await probeLive(page, SHEETS_PROBE);
  expect(live).toEqual([
    ['rgb(0, 128, 0)', '0px', '400', 'italic'],
    ['rgb(0, 0, 0)', '9px', '400', 'italic'],
    ['rgb(0, 0, 255)', '4px', '700', 'normal'],
  ]);
  const events = await recordedEvents(page);
  const result = await replayed(harness, events, SHEETS_PROBE.replace(/getComputedStyle/g, 'doc.defaultView.getComputedStyle'));
  expect(result.probe).toEqual(live);
  expect(result.dom).toEqual(await liveDom(page));
  // Constructed sheets travel whole in adoption events, never as rule changes by style id.
  const ruleEvents = events.filter((event) => event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.StyleSheetRule);
  expect(ruleEvents).toEqual([]);
  await page.close();
});

const FRAMES_PROBE = `(() => {
  const frameDoc = doc.querySelector('iframe').contentDocument;
  return [doc.defaultView.getComputedStyle(doc.getElementById('top')).color, frameDoc.defaultView.getComputedStyle(frameDoc.getElementById('inner')).color];
})()`;

test('sheets adopted by the documents of two frames replay in both, without the player sharing one between documents', async () => {
  harness.server.pages.set('/adopting-frame.html', '<!doctype html><html><body><p id="inner">inner</p></body></html>');
  const page = await openScenario(harness, '/adopting-host.html', '<p id="top">top</p><iframe src="/adopting-frame.html"></iframe>');
  await page.evaluate(`(() => {
    const frameWindow = document.querySelector('iframe').contentWindow;
    window.topSheet = new CSSStyleSheet();
    topSheet.replaceSync('#top { color: rgb(255, 0, 0); }');
    document.adoptedStyleSheets = [topSheet];
    window.frameSheet = new frameWindow.CSSStyleSheet();
    frameSheet.replaceSync('#inner { color: rgb(0, 0, 255); }');
    frameWindow.document.adoptedStyleSheets = [frameSheet];
  })()`);
  await startRecording(page);
  await step(page, `document.body.appendChild(document.createElement('p')).textContent = 'more';`);
  await step(page, `
    topSheet.insertRule('#top { color: rgb(0, 128, 0); }', 1);
    frameSheet.replaceSync('#inner { color: rgb(1, 2, 3); }');
  `);
  const live = await probeLive(page, FRAMES_PROBE);
  expect(live).toEqual(['rgb(0, 128, 0)', 'rgb(1, 2, 3)']);
  const result = await replayed(harness, await recordedEvents(page), FRAMES_PROBE);
  expect(result.probe).toEqual(live);
  // One style-id counter for the recording: the frame's sheets never reuse the top document's ids.
  const adoptions = (await recordedEvents(page)).flatMap((event) =>
    event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.AdoptedStyleSheet ? event.data.styles ?? [] : [],
  );
  const ids = adoptions.map((style) => style.styleId);
  expect(new Set(ids).size).toBe(ids.length);
  await page.close();
});

const EDITED_PROBE = `['x', 'y', 'z', 'w'].map((id) => { const s = getComputedStyle(doc.getElementById(id)); return [s.color, s.marginLeft, s.fontWeight]; })`;

test('a <style> with text whose rules a script changed through the CSSOM before recording replays its live rules', async () => {
  const page = await openScenario(
    harness,
    '/edited-style.html',
    '<p id="x">x</p><p id="y">y</p><p id="z">z</p><p id="w">w</p>',
    `<style id="edited">#x { color: rgb(0, 0, 255); } @media screen { #y { color: rgb(0, 0, 255); } }</style>
     <style id="comment">/* } a brace in a comment */ #w { font-weight: 700; }</style>
     <style id="plain">#z { margin-left: 2px; }</style>`,
  );
  await page.evaluate(`(() => {
    const sheet = document.getElementById('edited').sheet;
    sheet.insertRule('#x { margin-left: 5px; }', 1);
    sheet.cssRules[2].insertRule('#y { font-weight: 700; }', 1);
    sheet.deleteRule(0);
    document.getElementById('plain').sheet.insertRule('#z { color: rgb(0, 128, 0); }');
  })()`);
  await startRecording(page);
  await step(page, `document.body.appendChild(document.createElement('p')).textContent = 'after';`);
  const live = await probeLive(page, EDITED_PROBE);
  expect(live).toEqual([
    ['rgb(0, 0, 0)', '5px', '400'],
    ['rgb(0, 0, 255)', '0px', '700'],
    ['rgb(0, 128, 0)', '2px', '400'],
    ['rgb(0, 0, 0)', '0px', '700'],
  ]);
  const events = await recordedEvents(page);
  const result = await replayed(harness, events, EDITED_PROBE.replace(/getComputedStyle/g, 'doc.defaultView.getComputedStyle'));
  expect(result.probe).toEqual(live);
  expect(result.dom).toEqual(await liveDom(page));
  await page.close();
});
