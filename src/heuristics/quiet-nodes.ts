/** Entries kept before stale ones are swept, so the map stays small on busy pages. */
const SWEEP_AT_SIZE = 2048;

/**
 * Remembers when each node (by recorder id) last changed on its own, to tell an answer to a click
 * from background activity: a node that changes again and again (a clock, a spinner, a carousel)
 * was not quiet before the click, while a cart counter that moves once was. Changes made while a
 * click waits for its answer are not background: a counter that answers every click of a series
 * stays quiet.
 */
export function createQuietNodes(quietMs: number) {
  const lastChanged = new Map<number, number>();

  function sweep(now: number): void {
    for (const [id, at] of lastChanged) if (now - at > quietMs) lastChanged.delete(id);
  }

  return {
    /** Records a change of these nodes at `at`; true when one of them had been quiet for `quietMs`. */
    changed(ids: number[], at: number, clickWaiting: boolean): boolean {
      let anyQuiet = false;
      for (const id of ids) {
        const previous = lastChanged.get(id);
        if (previous === undefined || at - previous > quietMs) anyQuiet = true;
        if (!clickWaiting) lastChanged.set(id, at);
      }
      if (lastChanged.size > SWEEP_AT_SIZE) sweep(at);
      return anyQuiet;
    },
    clear: (): void => lastChanged.clear(),
  };
}
