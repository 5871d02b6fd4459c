import type { Stop } from './listen';

export interface KeyedThrottle<K extends object, A> {
  /** Runs at once when `wait` ms passed since the last run for `key`; otherwise once more at the end of the wait, with the newest argument. */
  call(key: K, arg: A): void;
  cancel: Stop;
}

/**
 * Leading and trailing throttle with one window per key (one per scrolled element), so a
 * burst on one target never hides another target's final position.
 */
export function keyedThrottle<K extends object, A>(win: Window, wait: number, run: (key: K, arg: A) => void): KeyedThrottle<K, A> {
  // Weak, so a removed element's entry goes with it.
  let lastRun = new WeakMap<K, number>();
  const pending = new Map<K, { timer: number; arg: A }>();
  const fire = (key: K, arg: A) => {
    lastRun.set(key, Date.now());
    run(key, arg);
  };
  return {
    call(key, arg) {
      const waiting = pending.get(key);
      if (waiting) {
        waiting.arg = arg;
        return;
      }
      const elapsed = Date.now() - (lastRun.get(key) ?? -Infinity);
      if (elapsed >= wait) {
        fire(key, arg);
        return;
      }
      const timer = win.setTimeout(() => {
        const entry = pending.get(key);
        pending.delete(key);
        if (entry) fire(key, entry.arg);
      }, wait - elapsed);
      pending.set(key, { timer, arg });
    },
    cancel() {
      for (const { timer } of pending.values()) win.clearTimeout(timer);
      pending.clear();
      lastRun = new WeakMap();
    },
  };
}
