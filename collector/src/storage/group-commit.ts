/**
 * Group commit: items submitted while the event loop is busy are written together by one call of
 * `write`, so one durable commit (one fsync) acknowledges many of them. Each promise still settles
 * only after the write that holds its item: resolved with its result, or rejected with its own
 * error when the write isolated that item's failure, or with the write's error when the whole write
 * failed (a commit that could not happen fails every item in it).
 */
export interface GroupCommit<Item, Result> {
  submit(item: Item): Promise<Result>;
  /** Writes what is waiting now and waits for every write under way; later submits are refused. */
  close(): Promise<void>;
}

/** One item's outcome in a write that committed the others. */
export type Outcome<Result> = { value: Result } | { error: unknown };

/** Outcomes in the order of the items; may be synchronous (SQLite) or not (a network database). */
export type GroupWrite<Item, Result> = (items: Item[]) => Array<Outcome<Result>> | Promise<Array<Outcome<Result>>>;

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

const CLOSED_MESSAGE = 'storage is closed: no more batches are accepted';

/**
 * `windowMs`: how long the first item of a group waits for others before the write.
 * `oneAtATime`: a write starts only once the previous one finished, and takes everything that
 * arrived meanwhile as its group (a network database whose checks read what the last write stored:
 * one large insert per round trip instead of a queue of small ones).
 */
export function createGroupCommit<Item, Result>(write: GroupWrite<Item, Result>, windowMs: number, oneAtATime = false): GroupCommit<Item, Result> {
  let waiting: Array<Waiting<Item, Result>> = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const underWay = new Set<Promise<void>>();

  const flush = () => {
    timer = undefined;
    if (oneAtATime && underWay.size > 0) return;
    const group = waiting;
    waiting = [];
    if (group.length === 0) return;
    const written = (async () => {
      try {
        const outcomes = await write(group.map((entry) => entry.item));
        group.forEach((entry, index) => {
          const outcome = outcomes[index];
          if ('error' in outcome) entry.reject(outcome.error);
          else entry.resolve(outcome.value);
        });
      } catch (error) {
        group.forEach((entry) => entry.reject(error));
      }
    })();
    underWay.add(written);
    void written.finally(() => {
      underWay.delete(written);
      // What arrived during the write has waited its window already.
      if (oneAtATime && waiting.length > 0 && timer === undefined) flush();
    });
  };

  return {
    submit(item) {
      if (closed) return Promise.reject(new Error(CLOSED_MESSAGE));
      return new Promise((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        timer ??= setTimeout(flush, windowMs);
      });
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      flush();
      // One at a time, a write can leave a group behind it: wait until none is left.
      while (underWay.size > 0) await Promise.all(underWay);
    },
  };
}
