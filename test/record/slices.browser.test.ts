import type { eventWithTime, mutationData } from '@rrweb/types';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { liveDom, openScenario, recordedEvents, replayedDom, useHarness, startRecording } from './harness';
import { EventType, IncrementalSource } from '../../src/lib/rrweb';
import { MAX_ADDS_PER_MUTATION } from '../../src/record/mutation-events';

/*
 * Time-sliced serialization (src/record/slices.ts, pacer.ts): a full snapshot and a mutation
 * batch too large for one slice are walked over several tasks while the page goes on changing,
 * and a storm suspends mutation recording until a fresh full snapshot. Each case is replayed with
 * rrweb's Replayer and compared with the live DOM. Sizes are chosen so that a walk cannot finish
 * in one 30 ms slice on any machine these tests run on (serializing a node costs about 1 µs).
 */

const harness = useHarness();

/** 300 sections of 150 spans with text, each section built before it is appended: 90,300 nodes in 300 records. */
const BUILD_SECTIONS = `
  const root = document.getElementById('root');
  for (let s = 0; s < 300; s++) {
    const section = document.createElement('section');
    section.id = 's' + s;
    for (let i = 0; i < 150; i++) section.appendChild(document.createElement('span')).textContent = s + '.' + i;
    root.appendChild(section);
  }
`;

const waitFor = (page: Page, condition: string) => page.waitForFunction(condition, undefined, { timeout: 30_000, polling: 50 });
// Events are kept as JSON strings, type first: a prefix tells their kind without parsing megabytes.
const prefix = (type: number, source?: number) => JSON.stringify(`{"type":${type}${source === undefined ? ',' : `,"data":{"source":${source},`}`);
const countOf = (type: number, source?: number) => `window.__events.filter((e) => e.startsWith(${prefix(type, source)})).length`;
const hasFullSnapshot = `${countOf(EventType.FullSnapshot)} > 0`;
const isStormFact = (event: eventWithTime) =>
  event.type === EventType.Custom && (event.data as { payload?: { reason?: string } }).payload?.reason === 'mutation-storm';

/** The Mutation events, with their places in the stream. */
const mutationsOf = (events: eventWithTime[]) =>
  events.flatMap((event, index) =>
    event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.Mutation ? [{ index, data: event.data as mutationData }] : [],
  );
/** How many adds each Mutation event of a batch of `adds` holds. */
const chunks = (adds: number) =>
  Array.from({ length: Math.ceil(adds / MAX_ADDS_PER_MUTATION) }, (_, i) => Math.min(MAX_ADDS_PER_MUTATION, adds - i * MAX_ADDS_PER_MUTATION));

test('a large page is snapshot in slices while it changes; the replay equals the live page', async () => {
  const page = await openScenario(harness, '/big-snapshot.html', '<div id="root"></div>');
  const emittedDuringRecord = await page.evaluate(`(() => {
    ${BUILD_SECTIONS}
    window.__events = [];
    openstory.record({ emit: (event) => window.__events.push(JSON.stringify(event)) });
    const emitted = window.__events.length;
    // Between slices (a user-blocking task runs ahead of the walk's scheduler.yield continuations):
    // a text and an attribute in the first section (already walked), a node in a span of the last
    // (not yet: a list's nodes get ids when their parent's list is walked, first section first).
    scheduler.postTask(() => {
      document.querySelector('#s0 span').firstChild.data = 'changed while walking';
      document.querySelector('#s0 span:nth-child(2)').setAttribute('title', 'set while walking');
      document.querySelector('#s299 span').appendChild(document.createElement('b')).textContent = 'added while walking';
    }, { priority: 'user-blocking' });
    return emitted;
  })()`);
  // record() returned before its first slice could finish the walk: nothing was emitted yet.
  expect(emittedDuringRecord).toBe(0);
  await waitFor(page, hasFullSnapshot);
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)))');
  const events = await recordedEvents(page);
  expect(events[0].type).toBe(EventType.Meta);
  expect(events[1].type).toBe(EventType.FullSnapshot);
  expect(events.some(isStormFact)).toBe(false);
  expect(await replayedDom(harness, events)).toEqual(await liveDom(page));
  await page.close();
});

test('a batch too large for one slice is added in slices; events of meanwhile follow it, in order', async () => {
  const page = await openScenario(harness, '/big-batch.html', '<button id="b">press</button><div id="root"></div>');
  await startRecording(page);
  const mutationsAtClick = await page.evaluate(`new Promise((resolve) => {
    ${BUILD_SECTIONS}
    // A user-blocking task runs between two slices of the walk over these adds.
    scheduler.postTask(() => {
      const mutations = ${countOf(EventType.IncrementalSnapshot, IncrementalSource.Mutation)};
      document.getElementById('b').click();
      resolve(mutations);
    }, { priority: 'user-blocking' });
  })`);
  expect(mutationsAtClick).toBe(0);
  await waitFor(page, `${countOf(EventType.IncrementalSnapshot, IncrementalSource.MouseInteraction)} > 0`);
  const events = await recordedEvents(page);
  const batch = mutationsOf(events);
  const click = events.findIndex((event) => event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.MouseInteraction);
  // The batch's Mutation events, MAX_ADDS_PER_MUTATION adds each, come one after the other, and
  // the click that happened during its walk comes after them.
  expect(batch.map(({ data }) => data.adds.length)).toEqual(chunks(300 + 300 * 150 * 2));
  expect(batch.map(({ index }) => index)).toEqual(batch.map(({ index }) => index).map((_, i) => batch[0].index + i));
  expect(click).toBe(batch[batch.length - 1].index + 1);
  expect(events[click].timestamp).toBeGreaterThanOrEqual(events[batch[0].index].timestamp);
  expect(await replayedDom(harness, events)).toEqual(await liveDom(page));
  await page.close();
});

test('the observer callback only queues: a large batch is walked after the page task, with the changes made before it', async () => {
  const page = await openScenario(harness, '/queued-batch.html', '<div id="root"></div><p id="p">kept</p>');
  await startRecording(page);
  const mutationsAfterCallback = await page.evaluate(`(async () => {
    ${BUILD_SECTIONS}
    // The observer's callback has run (its microtask was queued first). Walking in it would have
    // started this batch and left it paused; these child-list changes in recorded nodes would then
    // be conflicts and start a storm. Queued, they join the batch.
    await Promise.resolve();
    const mutations = ${countOf(EventType.IncrementalSnapshot, IncrementalSource.Mutation)};
    document.body.appendChild(document.createElement('footer')).textContent = 'after the callback';
    document.getElementById('p').remove();
    return mutations;
  })()`);
  expect(mutationsAfterCallback).toBe(0);
  await waitFor(page, `${countOf(EventType.IncrementalSnapshot, IncrementalSource.Mutation)} > 0`);
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)))');
  const events = await recordedEvents(page);
  expect(events.some(isStormFact)).toBe(false);
  // One batch: the sections, the footer and its text added, the paragraph removed (in the first event).
  const batch = mutationsOf(events);
  expect(batch.map(({ data }) => data.adds.length)).toEqual(chunks(300 + 300 * 150 * 2 + 2));
  expect(batch.map(({ data }) => data.removes.length)).toEqual(batch.map((_, i) => (i === 0 ? 1 : 0)));
  expect(await replayedDom(harness, events)).toEqual(await liveDom(page));
  await page.close();
});

test('a page that hides finishes a walk paused between slices at once, before the transport sends', async () => {
  const page = await openScenario(harness, '/hide-mid-walk.html', '<div id="root"></div>');
  await startRecording(page);
  const [before, after] = (await page.evaluate(`new Promise((resolve) => {
    ${BUILD_SECTIONS}
    // Between two slices of the walk, the page hides (a navigation fires pagehide).
    scheduler.postTask(() => {
      const count = () => ${countOf(EventType.IncrementalSnapshot, IncrementalSource.Mutation)};
      const before = count();
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
      resolve([before, count()]);
    }, { priority: 'user-blocking' });
  })`)) as [number, number];
  expect(before).toBe(0);
  expect(after).toBe(chunks(300 + 300 * 150 * 2).length);
  const events = await recordedEvents(page);
  expect(mutationsOf(events).map(({ data }) => data.adds.length)).toEqual(chunks(300 + 300 * 150 * 2));
  expect(await replayedDom(harness, events)).toEqual(await liveDom(page));
  await page.close();
});

test('a storm suspends mutation recording, says so, and a fresh full snapshot replays the page after it', async () => {
  const page = await openScenario(harness, '/storm.html', '<div id="root"></div>');
  await startRecording(page);
  await page.evaluate(`new Promise((resolve) => {
    const root = document.getElementById('root');
    const cells = [];
    for (let i = 0; i < 26000; i++) cells.push(root.appendChild(document.createElement('i')));
    // Every frame for a second, every cell gets new text and a new title: 52,000 records a frame,
    // past STORM_BACKLOG_RECORDS (a recorder that keeps up with fewer has no storm to handle).
    const end = performance.now() + 1000;
    const frame = (now) => {
      for (let i = 0; i < cells.length; i++) {
        cells[i].textContent = String(Math.round(now) + i);
        cells[i].title = String(i - Math.round(now));
      }
      if (now < end) requestAnimationFrame(frame);
      else resolve();
    };
    requestAnimationFrame(frame);
  })`);
  // After the storm the recorder retries within STORM_RETRY_MS; a second full snapshot follows.
  await waitFor(page, `${countOf(EventType.FullSnapshot)} >= 2`);
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)))');
  const events = await recordedEvents(page);
  const stormFact = events.findIndex(isStormFact);
  expect(stormFact).toBeGreaterThan(0);
  const lastSnapshot = events.map((event) => event.type).lastIndexOf(EventType.FullSnapshot);
  expect(lastSnapshot).toBeGreaterThan(stormFact);
  expect(events[lastSnapshot - 1].type).toBe(EventType.Meta);
  const live = await liveDom(page);
  expect(await replayedDom(harness, events)).toEqual(live);
  // Without the fresh snapshot the replay would not show the page as the storm left it.
  expect(await replayedDom(harness, events.slice(0, lastSnapshot - 1))).not.toEqual(live);
  await page.close();
}, 180_000);
