import { fact, type FactEvent } from '../facts';
import type { Privacy } from '../privacy/types';
import { watchActivity, type PageTotals } from './activity';
import type { ConsoleCapture } from './console';
import type { NetworkContext } from './network';
import { DURATION_FACT_INTERVAL_MS } from './constants';
import { createSafety } from '../lib/safety';
import { watchTelemetry } from './telemetry';

export interface PageOptions {
  /** Receives the page's facts (console, log, error, request, load, vital, duration, dropped). */
  emit: (event: FactEvent) => void;
  /** Defaults to the global window; without one the part does nothing. */
  window?: Window;
  /**
   * Told of every console.error call, uncaught error and unhandled rejection, as they happen.
   * Page telemetry is the SDK's one observer of those; the heuristics learn of errors through it.
   */
  onError?: () => void;
  /**
   * The session's privacy rules: error messages raised while an event on an excluded or masked
   * element is dispatched are masked, and URLs in errors go through the URL rules.
   */
  privacy?: Privacy;
  /** Console messages kept as `log` facts; without it only counts travel. */
  console?: ConsoleCapture;
  /** Network capture (`request` facts); without it no request is captured. */
  network?: Omit<NetworkContext, 'safety' | 'privacy'>;
}

export interface PageTelemetry {
  /** Sends the current console totals, load timings known so far and duration totals (page hide). */
  flush(): void;
  /** Restores console, removes listeners and timers. */
  stop(): void;
}

/**
 * Page telemetry: console counts and messages, JS errors, network requests, load timings, web vitals, page and active
 * durations with the deepest scroll. Every patch and listener is undone by `stop()`. Console,
 * network, load-timing and web-vitals capture start as telemetry.js arrives in the script-tag build
 * (./telemetry).
 */
export function startPage(options: PageOptions): PageTelemetry {
  const win = (options.window ?? (typeof window === 'undefined' ? undefined : window)) as (Window & typeof globalThis) | undefined;
  const safety = createSafety('page');
  const emit = (event: FactEvent) => safety.run(() => options.emit(event));
  if (!win) return { flush: () => undefined, stop: () => undefined };

  let lastTotals: PageTotals | undefined;
  const sendDurations = (force: boolean) => {
    const totals = activity?.totals();
    if (!totals) return;
    const grew = !lastTotals || totals.PageActiveDuration !== lastTotals.PageActiveDuration || totals.PageMaxScrollDepthPercent !== lastTotals.PageMaxScrollDepthPercent;
    if (!force && !grew) return;
    lastTotals = totals;
    emit(fact('duration', totals));
  };

  const telemetry = safety.run(() => watchTelemetry(win, emit, safety, options, options.onError ?? (() => undefined)));
  const activity = safety.run(() => watchActivity(win, safety));
  const interval = setInterval(safety.wrap(() => sendDurations(false)), DURATION_FACT_INTERVAL_MS);
  let stopped = false;

  return {
    flush() {
      if (stopped) return;
      safety.run(() => {
        telemetry?.flush();
        sendDurations(true);
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(interval);
      safety.run(() => telemetry?.stop());
      safety.run(() => activity?.stop());
    },
  };
}
