import type { eventWithTime } from '@rrweb/types';
import { guard } from '../lib/guard';
import { nextTask } from '../lib/next-task';
import { createPace, FIRST_SLICE_BUDGET_MS, FIRST_SLICE_MAX_RECORDS, SLICE_BUDGET_MS, type Pace, type Walk } from './slices';

/**
 * Pending work past which a sustained storm suspends mutation recording, as Clarity's client
 * stops listening to a node that keeps changing: mutation records waiting behind a walk that has
 * not finished, or in one batch. Sentry's replay stops at 10,000 mutations in a batch
 * (`mutationLimit`); this is higher so that rrweb's six benchmark workloads (about 10,000
 * records in their largest batches, read from their source) stay well below it.
 */
export const STORM_BACKLOG_RECORDS = 50_000;

/** How a record that arrived while a walk was paused bears on that walk. */
export const KEEP = 0;
export const DROP = 1;
export const CONFLICT = 2;
export type Verdict = typeof KEEP | typeof DROP | typeof CONFLICT;

export interface PacerOptions {
  win: Window;
  emit(event: eventWithTime): void;
  /** One batch of records, queued from `timestamp` on, as a walk that returns its events (the Mutation, or none). */
  batch(records: MutationRecord[], timestamp: number, pace: Pace): Walk<eventWithTime[]>;
  /** A record that arrived while a walk is paused. */
  judge(record: MutationRecord): Verdict;
  /** After a walk's events and the events held behind them went out. */
  settled(): void;
  /** Too much pending work, or a change the paused walk cannot take: `records` were not recorded. */
  storm(records: number): void;
  reportError(error: unknown): void;
}

export interface Pacer {
  /** Emits now, or after the walk in progress (events keep the order they happened in). */
  emit(event: eventWithTime): void;
  /** Mutation records from the observer: queued, then walked in slices in tasks of the recorder's own. */
  add(records: MutationRecord[]): void;
  /** Starts a walk that supersedes what is pending (a full snapshot). */
  begin(walk: (pace: Pace) => Walk<eventWithTime[]>): void;
  busy(): boolean;
  /** Runs everything pending to its end, now (stop). */
  finish(): void;
  stop(): void;
}

/**
 * One walk at a time, in tasks of its own: a batch's first slice FIRST_SLICE_BUDGET_MS (unless it
 * holds over FIRST_SLICE_MAX_RECORDS records), later ones SLICE_BUDGET_MS. Events emitted while
 * records are queued or a walk is paused are held and follow its own, so the stream keeps rrweb's
 * order. Records that arrive before a batch's walk starts join it; those that arrive while it is
 * paused are judged: kept for the next batch, dropped (the walk will read their result), or a
 * conflict, which like a backlog past STORM_BACKLOG_RECORDS hands over to `storm`.
 */
export function createPacer(options: PacerOptions): Pacer {
  const pace = createPace();
  let queue: MutationRecord[] = [];
  let queuedAt = 0;
  let walk: Walk<eventWithTime[]> | null = null;
  let held: eventWithTime[] = [];
  // A finished walk's events and those held behind it, going out one at a time while a slice
  // lasts: a large Mutation comes as several events (mutation-events.ts), and each costs the
  // page's pipeline its JSON.stringify.
  let outbox: eventWithTime[] = [];
  let sent = 0;
  let posted = false;
  const next = guard(options.reportError, () => {
    posted = false;
    pump(walk || queue.length > FIRST_SLICE_MAX_RECORDS ? SLICE_BUDGET_MS : FIRST_SLICE_BUDGET_MS);
  });
  const post = () => {
    if (!posted) void nextTask(options.win).then(next);
    posted = true;
  };

  const release = (events: eventWithTime[]) => {
    walk = null;
    outbox.push(...events, ...held);
    held = [];
  };

  /** Emits what waits in the outbox, until the slice is over unless `all`; true when it is empty. */
  const drain = (all: boolean) => {
    while (sent < outbox.length) {
      if (!all && pace.over()) return false;
      options.emit(outbox[sent++]);
    }
    outbox = [];
    sent = 0;
    return true;
  };
  /** Ends the walk without its events and sends everything held, now. */
  const dropWalk = () => {
    release([]);
    drain(true);
  };

  function pump(budgetMs: number) {
    pace.start(budgetMs);
    for (;;) {
      if (!drain(false)) return post();
      if (!walk) {
        if (!queue.length) return;
        walk = options.batch(queue, queuedAt, pace);
        queue = [];
      }
      let step: IteratorResult<void, eventWithTime[]>;
      try {
        step = walk.next();
      } catch (error) {
        // A walk that threw is over; what it held still goes out.
        dropWalk();
        throw error;
      }
      if (!step.done) return post();
      release(step.value);
      options.settled();
    }
  }

  const storm = (records: number) => {
    const dropped = records + queue.length;
    queue = [];
    dropWalk();
    options.storm(dropped);
  };

  return {
    emit(event) {
      if (walk || queue.length) held.push(event);
      else if (outbox.length) outbox.push(event);
      else options.emit(event);
    },
    add(records) {
      if (!queue.length) queuedAt = Date.now();
      // The common case, nothing pending: the observer's fresh array is the queue, no copy.
      if (!walk && !queue.length) queue = records;
      else {
        for (const record of records) {
          const verdict = walk ? options.judge(record) : KEEP;
          if (verdict === CONFLICT) return storm(records.length);
          if (verdict === KEEP) queue.push(record);
        }
      }
      if (queue.length > STORM_BACKLOG_RECORDS) return storm(0);
      if (queue.length) post();
    },
    begin(start) {
      queue = [];
      dropWalk();
      walk = start(pace);
      pump(SLICE_BUDGET_MS);
    },
    busy: () => walk !== null || queue.length > 0,
    finish: () => pump(Infinity),
    stop() {
      walk = null;
      queue = [];
      held = [];
      outbox = [];
      sent = 0;
    },
  };
}
