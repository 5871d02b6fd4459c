/**
 * Time slicing for serialization. A walk (the full snapshot, one batch of mutations) is a
 * generator that checks its pace between nodes and yields when the slice's time is up; it
 * resumes in a later task of its own.
 */

/**
 * Work done inside the MutationObserver callback, which ends the page's own task. Clarity's client
 * yields after 30 ms of work (`Setting.LongTask`); the Long Tasks API reports a task from 50 ms,
 * so this leaves the page 20 ms in the same task. Why not 0 (every batch walked after the page's
 * task, which would never lengthen it): a walk paused between slices cannot place a child-list
 * change inside a node it has recorded, and such a change starts a storm (suspension, then a fresh
 * full snapshot); with 0, any such change the page makes before the first slice runs (a
 * requestAnimationFrame callback, an input event) would, on ordinary pages. Measured here on the
 * quiet machine (bench/run.ts, time until rendered and recorded, load average about 1): with 30,
 * 0.22-0.35x rrweb's added time on five workloads and 0.65x on attributes; with 0, 0.21-0.38x and
 * 0.69x; with 5, 0.21-0.40x and 0.81x.
 */
export const CALLBACK_BUDGET_MS = 30;

/**
 * A slice in a task of the recorder's own (and the snapshot's first one, inside `record()`).
 * Measured here: with 30 ms, bench/storm.ts still saw one of these tasks reach 72-135 ms on the
 * shared machine (load average 11-20), where the OS and the garbage collector stretch a slice;
 * with 10 ms, none in five of six runs (one huge-page run at load 15 had three, up to 108 ms),
 * at the price of a task switch every 10 ms of walking.
 */
export const SLICE_BUDGET_MS = 10;

/** Nodes serialized between two looks at the clock (measured here: one performance.now() costs about what serializing a short text node does). */
const NODES_PER_CLOCK_READ = 64;

/** A walk that pauses by yielding and returns what it built. */
export type Walk<T> = Generator<void, T, void>;

/** Asked by a walk between nodes: is this slice's time up? */
export interface Pace {
  due(): boolean;
}

/** The pace of a walk that runs to its end at once (a frame's document, stop()). */
export const UNPACED: Pace = { due: () => false };

/** A pace whose slice can be renewed: `start(ms)` begins a slice of that length. */
export function createPace(): Pace & { start(budgetMs: number): void } {
  let end = 0;
  let countdown = NODES_PER_CLOCK_READ;
  return {
    start(budgetMs) {
      end = performance.now() + budgetMs;
      countdown = NODES_PER_CLOCK_READ;
    },
    due() {
      if (--countdown > 0) return false;
      countdown = NODES_PER_CLOCK_READ;
      return performance.now() > end;
    },
  };
}

export function runToEnd<T>(walk: Walk<T>): T {
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
  }
}
