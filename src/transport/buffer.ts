/**
 * Events waiting to be cut into a bundle, each already serialized: one JSON.stringify per event
 * as it arrives spreads the cost over the session instead of stringifying a whole array when a
 * bundle is cut, and makes the buffer's size known exactly.
 */
export interface EventBuffer {
  add(json: string): void;
  /**
   * Removes and returns events from the front while their total stays within `maxChars` (at
   * least one when `atLeastOne`), stopping before the first one `stop` matches.
   */
  take(maxChars: number, atLeastOne: boolean, stop?: (json: string) => boolean): string[];
  /** Removes and returns everything. */
  drain(): string[];
  readonly count: number;
  readonly chars: number;
}

export function createBuffer(): EventBuffer {
  let events: string[] = [];
  let chars = 0;
  return {
    add(json) {
      events.push(json);
      chars += json.length;
    },
    take(maxChars, atLeastOne, stop) {
      let end = 0;
      let taken = 0;
      while (end < events.length && !stop?.(events[end]) && (taken + events[end].length <= maxChars || (atLeastOne && end === 0))) {
        taken += events[end].length;
        end++;
      }
      const head = events.slice(0, end);
      events = events.slice(end);
      chars -= taken;
      return head;
    },
    drain() {
      const all = events;
      events = [];
      chars = 0;
      return all;
    },
    get count() {
      return events.length;
    },
    get chars() {
      return chars;
    },
  };
}
