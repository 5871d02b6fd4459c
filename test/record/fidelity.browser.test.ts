import type { eventWithTime } from '@rrweb/types';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import type { NormalizeOptions } from './dom-compare';
import {
  liveDom,
  openScenario,
  probeLive,
  recordedEvents,
  replayed,
  replayedDom,
  useHarness,
  startRecording,
  step,
} from './harness';
import { EventType } from '../../src/lib/rrweb';

/*
 * Replay fidelity: scripted scenarios are recorded in Chromium with our record(), replayed with
 * rrweb's Replayer, and the replayed DOM must equal the live DOM (dom-compare.ts), excluded
 * subtrees being placeholders. Each scenario also checks that the replay of the full snapshot
 * alone differs, so a comparison that sees nothing cannot pass.
 */

const harness = useHarness();

async function expectReplayEqualsLive(page: Page, options: NormalizeOptions = {}): Promise<eventWithTime[]> {
  const live = await liveDom(page, options);
  const events = await recordedEvents(page);
  expect(await replayedDom(harness, events)).toEqual(live);
  const snapshotEnd = events.findIndex((event) => event.type === EventType.FullSnapshot) + 1;
  expect(await replayedDom(harness, events.slice(0, snapshotEnd))).not.toEqual(live);
  return events;
}

test('lists added and removed, text and attribute changes', async () => {
  const page = await openScenario(harness, '/lists.html', '<ul id="list"><li>one</li><li>two</li></ul><p id="p" class="a">hello <b>bold</b></p>');
  await startRecording(page);
  await step(page, `
    const list = document.getElementById('list');
    for (let i = 0; i < 5; i++) { const li = document.createElement('li'); li.textContent = 'item ' + i; list.appendChild(li); }
    list.removeChild(list.firstElementChild);
    const p = document.getElementById('p');
    p.firstChild.data = 'changed ';
    p.setAttribute('class', 'b');
    p.setAttribute('data-x', '1');
    p.querySelector('b').textContent = 'new bold';
  `);
  await step(page, `
    const list = document.getElementById('list');
    list.insertBefore(document.createElement('li'), list.children[2]).textContent = 'inserted';
    list.lastElementChild.remove();
    document.getElementById('p').removeAttribute('data-x');
    const gone = document.createElement('li');
    list.appendChild(gone);
    gone.remove();
    list.innerHTML += '<li class="html">from <i>innerHTML</i></li>';
  `);
  await expectReplayEqualsLive(page);
  await page.close();
});

test('node moves: reorder, move between parents, move into a new container, move of a subtree', async () => {
  const page = await openScenario(
    harness,
    '/moves.html',
    '<ol id="a"><li>a1</li><li>a2</li><li>a3</li></ol><ol id="b"><li>b1</li></ol><div id="tree"><section><h2>title</h2><p>text <em>em</em></p></section></div>',
  );
  await startRecording(page);
  await step(page, `
    const a = document.getElementById('a'), b = document.getElementById('b');
    a.appendChild(a.firstElementChild);
    b.insertBefore(a.lastElementChild, b.firstChild);
    const box = document.createElement('div');
    box.id = 'box';
    document.body.appendChild(box);
    box.appendChild(document.querySelector('#tree section'));
    box.appendChild(b.lastElementChild);
  `);
  await step(page, `
    const a = document.getElementById('a');
    const items = Array.from(a.children).reverse();
    for (const item of items) a.appendChild(item);
    const wrapper = document.createElement('article');
    document.getElementById('tree').appendChild(wrapper);
    wrapper.appendChild(document.getElementById('box'));
    wrapper.insertBefore(document.getElementById('b'), wrapper.firstChild);
  `);
  await expectReplayEqualsLive(page);
  await page.close();
});

test('open shadow roots: existing, attached later to a recorded element, mutated inside', async () => {
  const page = await openScenario(harness, '/shadow.html', '<div id="host"></div><div id="late">light</div>');
  await page.evaluate(`document.getElementById('host').attachShadow({ mode: 'open' }).innerHTML = '<p id="inner">inside</p><span>x</span>'`);
  await startRecording(page);
  await step(page, `
    const root = document.getElementById('host').shadowRoot;
    root.getElementById('inner').textContent = 'inside changed';
    root.appendChild(document.createElement('em')).textContent = 'added in shadow';
    root.querySelector('span').setAttribute('title', 't');
    const late = document.getElementById('late').attachShadow({ mode: 'open' });
    late.innerHTML = '<b>late shadow</b><slot></slot>';
  `);
  await step(page, `
    const late = document.getElementById('late').shadowRoot;
    late.querySelector('b').remove();
    late.appendChild(document.createElement('i')).textContent = 'second';
    const nested = document.createElement('div');
    nested.attachShadow({ mode: 'open' }).innerHTML = '<u>nested host</u>';
    document.getElementById('host').shadowRoot.appendChild(nested);
  `);
  await expectReplayEqualsLive(page);
  await page.close();
});

test('template content, SVG and custom elements', async () => {
  const page = await openScenario(
    harness,
    '/kinds.html',
    `<template id="tpl"><p class="t">from template</p></template>
     <svg id="svg" width="100" height="100" xmlns:xlink="http://www.w3.org/1999/xlink"><defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs><circle id="c" cx="50" cy="50" r="10"/><use xlink:href="#c"/></svg>
     <div id="custom"></div>`,
  );
  await page.evaluate(`customElements.define('x-card', class extends HTMLElement {
    constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<h3>card</h3><slot></slot>'; }
  })`);
  await startRecording(page);
  await step(page, `
    const tpl = document.getElementById('tpl');
    tpl.content.appendChild(document.createElement('span')).textContent = 'added to template';
    document.body.appendChild(tpl.content.cloneNode(true));
    const svg = document.getElementById('svg');
    const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    rect.setAttribute('width', '20'); rect.setAttribute('height', '5');
    svg.appendChild(rect);
    document.getElementById('c').setAttribute('r', '30');
    const card = document.createElement('x-card');
    card.textContent = 'light child';
    document.getElementById('custom').appendChild(card);
  `);
  const events = await expectReplayEqualsLive(page);
  expect(JSON.stringify(events)).toContain('"isCustom":true');
  expect(JSON.stringify(events)).toContain('"isSVG":true');
  await page.close();
});

test('form input: typed text, checkboxes, radios, selects; masked and excluded fields', async () => {
  const page = await openScenario(
    harness,
    '/form.html',
    `<input id="name" value="initial"><input id="pw" type="password"><input id="card" autocomplete="cc-number">
     <input id="box" type="checkbox"><input type="radio" name="r" id="r1" checked><input type="radio" name="r" id="r2">
     <select id="sel"><option>one</option><option>two</option></select><textarea id="ta">default</textarea>
     <div class="fs-mask"><input id="masked"><span>masked text</span></div>
     <input id="gone" class="fs-exclude" value="excluded value">`,
  );
  // Form Privacy off: the replay must show typed values; its default is tested in test/privacy.
  await startRecording(page, '{ formPrivacy: false }');
  await page.fill('#name', 'typed name');
  await page.fill('#pw', 'hunter2');
  await page.fill('#card', '4111 1111');
  await page.check('#box');
  await page.check('#r2');
  await page.selectOption('#sel', { label: 'two' });
  await page.fill('#ta', 'new text');
  await page.fill('#masked', 'private');
  await step(page, `document.getElementById('name').value = 'set by script';`);
  await expectReplayEqualsLive(page, { exclude: '.fs-exclude', mask: '.fs-mask' });
  await page.close();
});

test('CSSOM rule insertion and rules inserted before recording replay', async () => {
  const page = await openScenario(
    harness,
    '/cssom.html',
    '<p id="p">styled</p><p id="q">also</p>',
    '<style id="text">#q { color: rgb(0, 0, 255); }</style><style id="empty"></style>',
  );
  await page.evaluate(`document.getElementById('empty').sheet.insertRule('#p { font-size: 31px; }')`);
  await startRecording(page);
  await step(page, `
    document.getElementById('empty').sheet.insertRule('#p { color: rgb(255, 0, 0); }', 0);
    document.getElementById('text').sheet.insertRule('#q { font-weight: 700; }', 1);
  `);
  const probe = `['p', 'q'].map((id) => { const s = getComputedStyle(doc.getElementById(id)); return [s.color, s.fontSize, s.fontWeight]; })`;
  const live = await probeLive(page, probe);
  expect(live).toEqual([
    ['rgb(255, 0, 0)', '31px', '400'],
    ['rgb(0, 0, 255)', '16px', '700'],
  ]);
  const result = await replayed(harness, await recordedEvents(page), probe.replace('getComputedStyle', 'doc.defaultView.getComputedStyle'));
  expect(result.probe).toEqual(live);
  await page.close();
});

test('SPA navigation keeps the recording correct and emits a Meta event per URL change', async () => {
  const page = await openScenario(harness, '/spa.html', '<main id="view"><h1>home</h1></main>');
  await startRecording(page);
  await step(page, `
    history.pushState({}, '', '/spa/about');
    document.getElementById('view').innerHTML = '<h1>about</h1><p>about page</p>';
  `);
  await step(page, `
    location.hash = '#team';
    document.getElementById('view').appendChild(document.createElement('p')).textContent = 'team';
  `);
  await step(page, `history.replaceState({}, '', '/spa/contact'); document.querySelector('h1').textContent = 'contact';`);
  const events = await expectReplayEqualsLive(page);
  const hrefs = events.filter((event) => event.type === EventType.Meta).map((event) => new URL((event.data as { href: string }).href).pathname + new URL((event.data as { href: string }).href).hash);
  expect(hrefs).toEqual(expect.arrayContaining(['/spa.html', '/spa/about', '/spa/about#team', '/spa/contact']));
  await page.close();
});

test('same-origin iframes: content at start, mutations inside, a frame added later, an excluded frame', async () => {
  harness.server.pages.set('/frame.html', '<!doctype html><html><body><h2 id="t">frame title</h2><ul id="l"><li>f1</li></ul></body></html>');
  harness.server.pages.set('/frame2.html', '<!doctype html><html><body><p id="x">second frame</p></body></html>');
  const page = await openScenario(
    harness,
    '/frames.html',
    '<iframe id="f1" src="/frame.html"></iframe><iframe id="secret" class="fs-exclude" src="/frame2.html"></iframe>',
  );
  await startRecording(page);
  await step(page, `
    const doc = document.getElementById('f1').contentDocument;
    doc.getElementById('t').textContent = 'frame title changed';
    doc.getElementById('l').appendChild(doc.createElement('li')).textContent = 'f2';
  `);
  await step(page, `
    const frame = document.createElement('iframe');
    frame.id = 'f3';
    await new Promise((resolve) => { frame.onload = resolve; frame.src = '/frame2.html'; document.body.appendChild(frame); });
  `);
  await step(page, `document.getElementById('f3').contentDocument.getElementById('x').setAttribute('class', 'seen');`);
  const events = await expectReplayEqualsLive(page, { exclude: '.fs-exclude' });
  const attached = events.filter((event) => event.type === EventType.IncrementalSnapshot && (event.data as { isAttachIframe?: true }).isAttachIframe);
  expect(JSON.stringify(attached)).toContain('frame title');
  expect(JSON.stringify(attached)).toContain('second frame');
  await page.close();
});

test('excluded elements (by class and by selector) replay as placeholders; masked text keeps its shape', async () => {
  const page = await openScenario(
    harness,
    '/exclude.html',
    `<div id="keep">visible</div><div class="fs-exclude" style="width: 120px; height: 30px">secret <b>bold</b></div>
     <section id="by-selector" data-x="1"><p>hidden by selector</p></section><p class="fs-mask">mask me please</p>`,
  );
  await startRecording(page, `{ exclude: ['#by-selector'] }`);
  await step(page, `
    document.querySelector('.fs-exclude').appendChild(document.createElement('i')).textContent = 'later secret';
    document.getElementById('by-selector').setAttribute('data-x', '2');
    const late = document.createElement('div');
    late.className = 'fs-exclude';
    late.textContent = 'added excluded';
    document.body.appendChild(late);
    document.getElementById('keep').classList.add('fs-exclude');
    document.querySelector('.fs-mask').firstChild.data = 'new masked text';
  `);
  await expectReplayEqualsLive(page, { exclude: '.fs-exclude,#by-selector', mask: '.fs-mask' });
  await page.close();
});
