import type { eventWithTime } from '@rrweb/types';
import { expect, test, vi } from 'vitest';
import { CONFLICT, createPacer, DROP, KEEP, STORM_BACKLOG_RECORDS, type PacerOptions, type Verdict } from '../../src/record/pacer';
import { FIRST_SLICE_BUDGET_MS, FIRST_SLICE_MAX_RECORDS, SLICE_BUDGET_MS, type Pace, type Walk } from '../../src/record/slices';

/*
 * The pacer's rules, with walks that pause once whatever the clock says: events emitted during a
 * walk follow its own, records that arrive meanwhile are kept, dropped or end it, and a backlog
 * past the limit ends it too. Sliced walks over a real DOM are proven in slices.browser.test.ts.
 */

const event = (tag: string) => ({ type: 5, data: { tag, payload: {} }, timestamp: 0 }) as eventWithTime;
const record = (kind: string) => ({ type: kind }) as unknown as MutationRecord;

function* pausingWalk(result: eventWithTime[]): Walk<eventWithTime[]> {
  yield;
  return result;
}

function setup(judge: (record: MutationRecord) => Verdict = () => KEEP) {
  const emitted: string[] = [];
  const batches: MutationRecord[][] = [];
  const storms: number[] = [];
  const options: PacerOptions = {
    win: window,
    emit: (e) => emitted.push((e.data as { tag: string }).tag),
    batch(records) {
      batches.push(records);
      return pausingWalk([event(`batch of ${records.length}`)]);
    },
    judge,
    settled: () => undefined,
    storm: (records) => void storms.push(records),
    reportError: (error) => {
      throw error;
    },
  };
  return { pacer: createPacer(options), emitted, batches, storms };
}

/** A pacer with its own emit and batch; records all kept, no storm expected. */
const pacerWith = (parts: Pick<PacerOptions, 'emit' | 'batch'>) =>
  createPacer({
    win: window,
    ...parts,
    judge: () => KEEP,
    settled: () => undefined,
    storm: () => undefined,
    reportError: (error) => {
      throw error;
    },
  });

const nextTasks = () => new Promise((resolve) => setTimeout(resolve, 20));

test('events emitted while a walk is paused follow its own events, in order', async () => {
  const { pacer, emitted } = setup();
  pacer.begin(() => pausingWalk([event('snapshot')]));
  expect(pacer.busy()).toBe(true);
  pacer.emit(event('click'));
  pacer.emit(event('scroll'));
  expect(emitted).toEqual([]);
  await vi.waitFor(() => expect(pacer.busy()).toBe(false));
  expect(emitted).toEqual(['snapshot', 'click', 'scroll']);
  pacer.emit(event('later'));
  expect(emitted).toEqual(['snapshot', 'click', 'scroll', 'later']);
  pacer.stop();
});

test('records are walked in a task of the recorder\'s own; those added before it join the batch, events meanwhile follow it', async () => {
  const { pacer, emitted, batches } = setup();
  pacer.add([record('text')]);
  pacer.emit(event('click'));
  pacer.add([record('text'), record('text')]);
  expect(batches).toEqual([]);
  expect(pacer.busy()).toBe(true);
  await vi.waitFor(() => expect(pacer.busy()).toBe(false));
  expect(batches.map((batch) => batch.length)).toEqual([3]);
  expect(emitted).toEqual(['batch of 3', 'click']);
  pacer.stop();
});

test('a walk\'s events go out while a slice lasts, the rest in the next task, and events of meanwhile after them', async () => {
  const emitted: string[] = [];
  const tasks: number[] = [];
  let microtasks = 0;
  const pacer = pacerWith({
    emit(e) {
      const tag = (e.data as { tag: string }).tag;
      emitted.push(tag);
      tasks.push(microtasks);
      queueMicrotask(() => microtasks++);
      // Each event costs the pipeline two thirds of the first slice: two of them use it up.
      const end = performance.now() + (FIRST_SLICE_BUDGET_MS * 2) / 3;
      while (performance.now() < end);
      if (tag === 'first') pacer.emit(event('meanwhile'));
    },
    // A walk that ends in its first slice: the slice's time is left for its events.
    batch: function* () {
      return [event('first'), event('second'), event('third')];
    },
  });
  pacer.add([record('text')]);
  await vi.waitFor(() => expect(emitted).toHaveLength(4));
  expect(emitted).toEqual(['first', 'second', 'third', 'meanwhile']);
  // A microtask checkpoint (the end of a task) came between the second event and the third.
  expect(tasks[1]).toBe(tasks[0]);
  expect(tasks[2]).toBeGreaterThan(tasks[1]);
  pacer.stop();
});

test('a batch gets the long first slice unless it holds more records than such a slice can walk', async () => {
  const firstSlices: Array<{ records: number; ms: number }> = [];
  const pacer = pacerWith({
    emit: () => undefined,
    // Walks until its first slice is over and notes how long that was (from the batch's start,
    // right after the slice's).
    batch(records, _timestamp, pace: Pace) {
      const start = performance.now();
      return (function* () {
        while (!pace.due());
        firstSlices.push({ records: records.length, ms: performance.now() - start });
        return [];
      })();
    },
  });
  pacer.add([record('text')]);
  await vi.waitFor(() => expect(firstSlices).toHaveLength(1));
  pacer.add(Array.from({ length: FIRST_SLICE_MAX_RECORDS + 1 }, () => record('text')));
  await vi.waitFor(() => expect(firstSlices).toHaveLength(2));
  // Measured from just after the slice began; halfway between the two budgets leaves room for
  // a busy machine's pauses.
  const between = (SLICE_BUDGET_MS + FIRST_SLICE_BUDGET_MS) / 2;
  expect(firstSlices[0].ms).toBeGreaterThan(between);
  expect(firstSlices[1].ms).toBeLessThan(between);
  pacer.stop();
});

test('records that arrive during a walk are kept for the next batch or dropped; a conflict ends the walk', async () => {
  const verdicts: Record<string, Verdict> = { text: KEEP, inside: DROP, structural: CONFLICT };
  const { pacer, emitted, batches, storms } = setup((r) => verdicts[r.type]);
  pacer.begin(() => pausingWalk([event('snapshot')]));
  pacer.add([record('text'), record('inside'), record('text')]);
  await vi.waitFor(() => expect(emitted).toContain('batch of 2'));
  expect(batches).toHaveLength(1);
  expect(emitted).toEqual(['snapshot', 'batch of 2']);

  pacer.begin(() => pausingWalk([event('second snapshot')]));
  pacer.emit(event('held'));
  pacer.add([record('text'), record('structural')]);
  // The walk is dropped: its snapshot never goes out, what it held does, and the storm is told
  // how many records went unrecorded (this call's two and the one kept before it in the batch).
  expect(pacer.busy()).toBe(false);
  expect(storms).toEqual([3]);
  await nextTasks();
  expect(emitted).toEqual(['snapshot', 'batch of 2', 'held']);
  pacer.stop();
});

test('a backlog past STORM_BACKLOG_RECORDS is a storm, and nothing of it is walked', () => {
  const { pacer, batches, storms } = setup();
  pacer.begin(() => pausingWalk([]));
  pacer.add(Array.from({ length: STORM_BACKLOG_RECORDS + 1 }, () => record('text')));
  expect(storms).toEqual([STORM_BACKLOG_RECORDS + 1]);
  expect(batches).toEqual([]);
  expect(pacer.busy()).toBe(false);
  pacer.stop();
});
