import type { Safety } from '../../lib/safety';
import { MAX_ERROR_FACTS } from '../constants';

/** Uncaught errors and rejections of the page from capture's start until the console watcher took over. */
export interface EarlyErrors {
  /**
   * The first MAX_ERROR_FACTS (as many as can become `error` facts), each with the element whose
   * event was being dispatched and when it happened (its `error` fact's time).
   */
  events: Array<[ErrorEvent | PromiseRejectionEvent, Node | null | undefined, number]>;
  /** How many there were: the console totals count every one. */
  count: number;
}

/** The page's uncaught errors and unhandled rejections, as the window hears of them. */
export const ERROR_EVENTS = ['error', 'unhandledrejection'];

/**
 * fs.js's stand-in for the console watcher while telemetry.js is on its way (one request, cached
 * after the first page): errors are the one thing of the page's that no buffer of the browser's
 * keeps for a late observer. The heuristics hear of each at once (`onError`), as an error click
 * is judged by when its error came; the watcher turns the kept events into `error` facts.
 */
export function bufferErrors(win: Window, safety: Safety, onError: () => void, target?: () => Node | null) {
  const early: EarlyErrors = { events: [], count: 0 };
  const listener = safety.wrap((event: ErrorEvent | PromiseRejectionEvent) => {
    onError();
    if (early.count++ < MAX_ERROR_FACTS) early.events.push([event, target?.(), Date.now()]);
  });
  for (const type of ERROR_EVENTS) win.addEventListener(type, listener as EventListener);
  return {
    early,
    stop(): void {
      for (const type of ERROR_EVENTS) win.removeEventListener(type, listener as EventListener);
    },
  };
}
