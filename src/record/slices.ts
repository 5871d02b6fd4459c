/**
 * Time slicing for serialization. A walk (the full snapshot, one batch of mutations) is a
 * generator that checks its pace between nodes and yields when the slice's time is up; it
 * resumes in a later task of its own.
 */

/**
 * A batch's first slice, in a task of the recorder's own right after the page's (the
 * MutationObserver callback only queues records: work there would lengthen the page's task, and a
 * page task of 20-50 ms ending with a large batch became a long task with Clarity's 30 ms budget
 * in the callback, bench/storm.ts). Larger than later slices because a walk that ends within its
 * first slice never pauses, and only a paused walk can meet a change it cannot place (a
 * conflict, which starts a storm): records that arrive before the first slice are simply queued.
 * 30 ms is Clarity's yield point (`Setting.LongTask`), 20 ms under the Long Tasks API's 50 ms.
 * Measured here: with 20 ms the attributes workload (bench/run.ts, 11 runs) added 10.0 ms against
 * 8.1 with 30 (its batch then often needs a second slice, after a render); with 30, one storm run
 * in bench/storm.ts had a slice followed in its task by 24 ms of garbage collection (54 ms).
 */
export const FIRST_SLICE_BUDGET_MS = 30;

/**
 * A batch of more records than this gets an ordinary slice first. It cannot be walked within
 * FIRST_SLICE_BUDGET_MS (measured here: the attributes workload's 10,000 records take 20-30 ms, so
 * twice as many take longer), so it pauses anyway, and a 30 ms slice left no room for the major
 * garbage collection that a storm's allocations bring into the same task (14-23 ms in
 * bench/storm.ts: tasks of 50-53 ms). rrweb's six benchmark workloads stay under it.
 */
export const FIRST_SLICE_MAX_RECORDS = 20_000;

/**
 * A later slice of a batch, and every slice of a full snapshot (its first inside `record()`).
 * Measured here: with 30 ms, bench/storm.ts still saw one of these tasks reach 72-135 ms on the
 * shared machine (load average 11-20), where the OS and the garbage collector stretch a slice;
 * with 10 ms, none in five of six runs (one huge-page run at load 15 had three, up to 108 ms),
 * at the price of a task switch every 10 ms of walking.
 */
export const SLICE_BUDGET_MS = 10;

/** Nodes serialized between two looks at the clock (measured here: one performance.now() costs about what serializing a short text node does). */
const NODES_PER_CLOCK_READ = 64;

/**
 * MutationRecords read per call of the records pass (mutations.ts), one look at the clock each.
 * A batch of 10,000 records read in one loop was optimized by V8 only through on-stack
 * replacement: Maglev code about 2 ms in, then a TurboFan job of 3.5-6 ms that ran beside the
 * batch (stealing the main thread's core when the other was busy) and arrived after it. Read 64
 * at a time, the function is an ordinary hot one: Maglev code after about 1 ms and no TurboFan job
 * during the batch. Measured here on the attributes workload (30 runs of each, alternating, whole
 * workload with the recorder): median 15.0 ms against 16.4 in one loop, and 4 runs over 17 ms
 * against 13; with V8 compiling on the main thread (no background job to compete) both 14.3 ms.
 */
export const RECORDS_PER_READ = NODES_PER_CLOCK_READ;

/** A walk that pauses by yielding and returns what it built. */
export type Walk<T> = Generator<void, T, void>;

/** Asked by a walk between nodes: is this slice's time up? `nodes` walked since the last question (1 by default). */
export interface Pace {
  due(nodes?: number): boolean;
}

/** The pace of a walk that runs to its end at once (a frame's document, stop()). */
export const UNPACED: Pace = { due: () => false };

/** A pace whose slice can be renewed: `start(ms)` begins a slice of that length; `over()` reads the clock now. */
export function createPace(): Pace & { start(budgetMs: number): void; over(): boolean } {
  let end = 0;
  let countdown = NODES_PER_CLOCK_READ;
  const over = () => performance.now() > end;
  return {
    start(budgetMs) {
      end = performance.now() + budgetMs;
      countdown = NODES_PER_CLOCK_READ;
    },
    due(nodes = 1) {
      countdown -= nodes;
      if (countdown > 0) return false;
      countdown = NODES_PER_CLOCK_READ;
      return over();
    },
    over,
  };
}

export function runToEnd<T>(walk: Walk<T>): T {
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
  }
}
