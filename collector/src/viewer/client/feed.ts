import type { eventWithTime } from '@rrweb/types';
import { EventType } from 'openstory/vocabulary';

/**
 * Characters of event JSON the page asks events.json for at a time (measured here: a page of
 * ordinary bundles parses in a few milliseconds; one large full snapshot, ~5 MiB per
 * ingest/limits.ts, comes whole in its own bundle whatever this says).
 */
export const PAGE_BYTES = 1024 * 1024;
/**
 * Event JSON the page keeps before it lets go of what lies before the last full snapshot behind
 * the playhead: above one large full snapshot and its page view's first minutes, far below the
 * collector's 128 MiB session cap (ingest/limits.ts) that a whole session would cost.
 */
export const WINDOW_BYTES = 8 * 1024 * 1024;
/** Recording time loaded ahead of the playhead: at 8x, seconds of playing while the next page comes. */
export const LOOKAHEAD_MS = 20_000;

/** One answer of events.json?limit=…, held whole: what the window keeps or drops is counted in these. */
interface Page {
  events: eventWithTime[];
  bytes: number;
}

/** A place the replay can start from: a Meta (the SDK follows each with its full snapshot), and the cursor before its page. */
interface Checkpoint {
  at: number;
  after: string | null;
}

/** What the player holds of the session: events from a Meta on, in time order, and how far they reach. */
export interface EventWindow {
  events(): eventWithTime[];
  /** Timestamp of the first held event (a Meta once the window has moved) and of the last. */
  start(): number;
  end(): number;
  done(): boolean;
  /** Fetches the next page and returns its events, which the window now holds too. */
  more(): Promise<eventWithTime[]>;
  /**
   * Makes the window hold `target` (and LOOKAHEAD_MS after it), starting from the last Meta at or
   * before it; true when it fetched or dropped anything (the Replayer is then rebuilt from it).
   */
  moveTo(target: number): Promise<boolean>;
  /** Over WINDOW_BYTES, drops what lies before the last Meta at or before `playhead`; true when it did. */
  trim(playhead: number): boolean;
  /** Event JSON fetched so far and held now, for the page's counters. */
  fetchedBytes(): number;
  heldBytes(): number;
}

const isMeta = (event: eventWithTime): boolean => event.type === EventType.Meta;

export function createEventWindow(eventsUrl: string): EventWindow {
  let pages: Page[] = [];
  let after: string | null = null;
  let finished = false;
  let fetched = 0;
  const checkpoints: Checkpoint[] = [];

  const held = () => pages.reduce((sum, page) => sum + page.bytes, 0);
  const all = () => pages.flatMap((page) => page.events);
  const last = () => pages.at(-1)?.events.at(-1)?.timestamp ?? -Infinity;

  async function more(): Promise<eventWithTime[]> {
    const before = after;
    const query = `?limit=${PAGE_BYTES}${before === null ? '' : `&after=${encodeURIComponent(before)}`}`;
    const response = await fetch(eventsUrl + query);
    if (!response.ok) throw new Error(`events.json answered ${response.status}`);
    const text = await response.text();
    const page = JSON.parse(text) as { events: eventWithTime[]; next: string | null };
    fetched += text.length;
    page.events.sort((a, b) => a.timestamp - b.timestamp);
    for (const event of page.events) {
      if (isMeta(event) && !checkpoints.some((known) => known.at === event.timestamp)) checkpoints.push({ at: event.timestamp, after: before });
    }
    pages.push({ events: page.events, bytes: text.length });
    after = page.next;
    finished = page.next === null;
    return page.events;
  }

  /** Drops what lies before the last held Meta at or before `target`; true when anything went. */
  function dropBefore(target: number): boolean {
    for (let p = pages.length - 1; p >= 0; p--) {
      const { events, bytes } = pages[p];
      for (let index = events.length - 1; index >= 0; index--) {
        if (!isMeta(events[index]) || events[index].timestamp > target) continue;
        if (p === 0 && index === 0) return false;
        pages = [{ events: events.slice(index), bytes }, ...pages.slice(p + 1)];
        return true;
      }
    }
    return false;
  }

  async function moveTo(target: number): Promise<boolean> {
    const start = pages[0]?.events[0]?.timestamp ?? Infinity;
    if (target >= start && (target <= last() || finished)) return false;
    // Restart from the last known Meta before the target when it is not the one the window starts at (a seek back, or far ahead).
    const checkpoint = checkpoints.filter((known) => known.at <= target).at(-1) ?? checkpoints[0];
    let changed = false;
    if (checkpoint && (checkpoint.at > start || target < start)) {
      pages = [];
      after = checkpoint.after;
      finished = false;
      changed = true;
    }
    // Reading on drops what the target leaves behind page by page, so a far seek holds no more than the window.
    while (!finished && last() < target + LOOKAHEAD_MS) {
      await more();
      dropBefore(target);
      changed = true;
    }
    return changed;
  }

  return {
    events: all,
    start: () => pages[0]?.events[0]?.timestamp ?? 0,
    end: last,
    done: () => finished,
    more,
    moveTo,
    trim: (playhead) => held() > WINDOW_BYTES && dropBefore(playhead),
    fetchedBytes: () => fetched,
    heldBytes: held,
  };
}
