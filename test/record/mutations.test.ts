import type { addedNodeMutation, eventWithTime, mutationData, serializedNodeWithId } from '@rrweb/types';
import { afterEach, expect, test } from 'vitest';
import { nextTask } from '../../src/lib/next-task';
import { EventType, IncrementalSource } from '../../src/lib/rrweb';
import { createMirror, record } from '../../src/record';

/*
 * The mutation path in jsdom: what one MutationObserver batch becomes. Fidelity end to end is
 * proven in Chromium against rrweb's Replayer (fidelity.browser.test.ts); these pin down the
 * batching rules that keep it cheap.
 */

let stop: (() => void) | null = null;
afterEach(() => {
  stop?.();
  stop = null;
  document.body.innerHTML = '';
});

function start(options: { exclude?: string[] } = {}) {
  const events: eventWithTime[] = [];
  const mirror = createMirror();
  stop = record({ emit: (event) => events.push(JSON.parse(JSON.stringify(event))), mirror, ...options });
  return { events, mirror };
}

// The recorder walks a batch in a task of its own, posted from the MutationObserver's microtask:
// a task posted after that microtask runs after it.
const flush = async () => {
  await Promise.resolve();
  await nextTask(window);
};

function mutations(events: eventWithTime[]): mutationData[] {
  return events.filter((event) => event.type === EventType.IncrementalSnapshot && (event.data as mutationData).source === IncrementalSource.Mutation).map((event) => event.data as mutationData);
}

function tagOrText(add: addedNodeMutation): string {
  const node = add.node as serializedNodeWithId & { tagName?: string; textContent?: string };
  return node.tagName ?? `#${node.textContent}`;
}

test('starts with Meta and a FullSnapshot whose ids the mirror resolves', () => {
  document.body.innerHTML = '<p id="p">hi</p>';
  const { events, mirror } = start();
  expect(events.map((event) => event.type)).toEqual([4, 2]);
  const p = document.getElementById('p') as Element;
  expect(mirror.getId(p)).toBeGreaterThan(0);
  expect(mirror.getNode(mirror.getId(p))).toBe(p);
});

test('a subtree built over many records is serialized once: each child list last first, lists depth first', async () => {
  const { events, mirror } = start();
  const list = document.createElement('ul');
  document.body.appendChild(list);
  for (const text of ['a', 'b', 'c']) list.appendChild(document.createElement('li')).textContent = text;
  await flush();
  const [batch] = mutations(events);
  expect(batch.adds.map(tagOrText)).toEqual(['ul', 'li', 'li', 'li', '#a', '#b', '#c']);
  const ids = new Set(batch.adds.map((add) => add.node.id));
  expect(ids.size).toBe(batch.adds.length);
  // Every add's parent and next sibling exist before it, in document or earlier in the batch.
  const seen = new Set<number>([mirror.getId(document.body)]);
  for (const add of batch.adds) {
    expect(seen.has(add.parentId)).toBe(true);
    if (add.nextId !== null) expect(seen.has(add.nextId)).toBe(true);
    seen.add(add.node.id);
  }
});

test('a node added and removed in the same batch costs nothing', async () => {
  const { events } = start();
  const gone = document.createElement('div');
  gone.innerHTML = '<p>temporary</p>';
  document.body.appendChild(gone);
  gone.remove();
  await flush();
  expect(mutations(events)).toEqual([]);
});

test('a move is a remove and a re-add of the subtree with fresh ids', async () => {
  document.body.innerHTML = '<div id="a"><p id="p">x</p></div><div id="b"></div>';
  const { events, mirror } = start();
  const p = document.getElementById('p') as Element;
  const before = mirror.getId(p);
  (document.getElementById('b') as Element).appendChild(p);
  await flush();
  const [batch] = mutations(events);
  expect(batch.removes).toEqual([{ parentId: mirror.getId(document.getElementById('a') as Element), id: before }]);
  expect(batch.adds.map(tagOrText)).toEqual(['p', '#x']);
  expect(mirror.getId(p)).toBe(batch.adds[0].node.id);
  expect(mirror.getNode(before)).toBe(null);
});

test('nothing of an excluded subtree is looked at, later changes included', async () => {
  document.body.innerHTML = '<div id="x" class="fs-exclude"><p>secret</p></div>';
  const { events } = start();
  const excluded = document.getElementById('x') as Element;
  excluded.appendChild(document.createElement('b')).textContent = 'later secret';
  (excluded.firstElementChild as Element).setAttribute('title', 'secret title');
  await flush();
  expect(mutations(events)).toEqual([]);
  expect(JSON.stringify(events)).not.toContain('secret');
});

test('text and attribute changes are deduplicated per node and read at the end of the batch', async () => {
  document.body.innerHTML = '<p id="p" class="a">one</p>';
  const { events, mirror } = start();
  const p = document.getElementById('p') as Element;
  (p.firstChild as Text).data = 'two';
  (p.firstChild as Text).data = 'three';
  p.className = 'b';
  p.className = 'c';
  await flush();
  const [batch] = mutations(events);
  expect(batch.texts).toEqual([{ id: mirror.getId(p.firstChild as Node), value: 'three' }]);
  expect(batch.attributes).toEqual([{ id: mirror.getId(p), attributes: { class: 'c' } }]);
});

test('one value set on many elements: masking per element, every excluding class excludes', async () => {
  document.body.innerHTML = '<p id="a">a</p><div class="fs-mask"><p id="b">b</p></div><p id="c">c</p><p id="d">d</p>';
  const { events, mirror } = start();
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => document.getElementById(id) as Element);
  const [aId, bId, cId, dId] = [a, b, c, d].map((element) => mirror.getId(element));
  // A text attribute's recorded value depends on the element's masking, not only on the value.
  for (const element of [a, b]) element.setAttribute('title', 'same words');
  for (const element of [c, d]) element.className = 'fs-exclude';
  await flush();
  const [batch] = mutations(events);
  expect(batch.attributes).toEqual([
    { id: aId, attributes: { title: 'same words' } },
    { id: bId, attributes: { title: '**** *****' } },
  ]);
  expect(batch.removes).toEqual([
    { parentId: mirror.getId(document.body), id: cId },
    { parentId: mirror.getId(document.body), id: dId },
  ]);
});

test('an element that becomes excluded is replaced by a placeholder', async () => {
  document.body.innerHTML = '<div id="d" title="t"><span>visible</span></div>';
  const { events, mirror } = start();
  const d = document.getElementById('d') as Element;
  const before = mirror.getId(d);
  d.classList.add('fs-exclude');
  await flush();
  const [batch] = mutations(events);
  expect(batch.removes).toEqual([{ parentId: mirror.getId(document.body), id: before }]);
  expect(batch.adds).toHaveLength(1);
  expect(batch.adds[0].node).toMatchObject({ tagName: 'div', attributes: { rr_width: '0px', rr_height: '0px' } });
  expect(batch.attributes).toEqual([]);
});

test('a class change that only looks like an excluding class is recorded; a real one still excludes', async () => {
  document.body.innerHTML = '<div id="d"><span>visible</span></div><div id="e">x</div>';
  const { events, mirror } = start({ exclude: ['[data-private]'] });
  const d = document.getElementById('d') as Element;
  const e = document.getElementById('e') as Element;
  const [dId, eId] = [mirror.getId(d), mirror.getId(e)];
  d.className = 'not-fs-exclude-really';
  e.className = 'other';
  await flush();
  e.setAttribute('data-private', '');
  e.setAttribute('title', 'secret title');
  await flush();
  const [first, second] = mutations(events);
  expect(first.removes).toEqual([]);
  expect(first.attributes).toEqual([
    { id: dId, attributes: { class: 'not-fs-exclude-really' } },
    { id: eId, attributes: { class: 'other' } },
  ]);
  expect(second.removes).toEqual([{ parentId: mirror.getId(document.body), id: eId }]);
  expect(second.attributes).toEqual([]);
  expect(second.adds[0].node).toMatchObject({ tagName: 'div', attributes: { rr_width: '0px', rr_height: '0px' } });
  expect(JSON.stringify(events)).not.toContain('secret');
});

test('a placeholder whose excluding class goes is recorded again, with its content', async () => {
  document.body.innerHTML = '<div id="d" class="fs-exclude"><span>now visible</span></div>';
  const { events, mirror } = start();
  const d = document.getElementById('d') as Element;
  const placeholderId = mirror.getId(d);
  d.className = '';
  await flush();
  const [batch] = mutations(events);
  expect(batch.removes).toEqual([{ parentId: mirror.getId(document.body), id: placeholderId }]);
  expect(batch.adds.map(tagOrText)).toEqual(['div', 'span', '#now visible']);
  expect(batch.attributes).toEqual([]);
});

test('attribute changes of an element moved in the same batch are covered by its add', async () => {
  document.body.innerHTML = '<div id="a"><p id="p">x</p></div><div id="b"></div>';
  const { events, mirror } = start();
  const p = document.getElementById('p') as Element;
  const a = document.getElementById('a') as Element;
  p.setAttribute('title', 'before move');
  a.setAttribute('title', 'stays');
  (document.getElementById('b') as Element).appendChild(p);
  await flush();
  const [batch] = mutations(events);
  expect(batch.attributes).toEqual([{ id: mirror.getId(a), attributes: { title: 'stays' } }]);
  expect(batch.adds[0].node).toMatchObject({ tagName: 'p', attributes: { id: 'p', title: 'before move' } });
});
