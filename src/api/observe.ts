import { guard } from '../lib/guard';
import type { Observer } from './types';
import type { Warn } from '../lib/warn-once';

type Callback = (data: object) => void;

export interface Observers {
  /** FS('observe', { type, callback }). */
  observe(type: unknown, callback: unknown): Observer;
  /** Capture runs under this session URL: start callbacks hear it when it is new. */
  started(sessionUrl: string): void;
  stopped(): void;
}

/**
 * FullStory's observe: `start` callbacks hear `{ sessionUrl, settings }` whenever capture starts
 * under a new session URL, and at once when registered after that; `shutdown` callbacks hear
 * every stop. A callback that throws is reported, never thrown into the caller.
 */
export function createObservers(warn: Warn): Observers {
  const callbacks = { start: new Set<Callback>(), shutdown: new Set<Callback>() };
  // The session URL the start callbacks last heard of; null while not capturing.
  let announced: string | null = null;
  const call = (callback: Callback, data: object) =>
    guard((error) => warn('observer', `an observe callback threw: ${String(error)}`), callback)(data);
  const startData = () => ({ sessionUrl: announced, settings: {} });
  return {
    observe(type, callback) {
      const set = type === 'start' || type === 'shutdown' ? callbacks[type] : null;
      if (!set || typeof callback !== 'function') {
        warn(`observe:${String(type)}`, `FS('observe'): needs { type: 'start' | 'shutdown', callback }; nothing is observed.`);
        return { disconnect: () => undefined, failed: true };
      }
      set.add(callback as Callback);
      if (set === callbacks.start && announced) call(callback as Callback, startData());
      return { disconnect: () => void set.delete(callback as Callback) };
    },
    started(sessionUrl) {
      if (sessionUrl === announced) return;
      announced = sessionUrl;
      for (const callback of callbacks.start) call(callback, startData());
    },
    stopped() {
      announced = null;
      for (const callback of callbacks.shutdown) call(callback, { reason: 0 });
    },
  };
}
