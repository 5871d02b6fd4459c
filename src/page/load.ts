import type { LoadFact } from '../facts';
import type { Safety } from '../lib/safety';

function firstPaint(performance: Performance): number | undefined {
  const paints = performance.getEntriesByType('paint');
  const entry = paints.find((paint) => paint.name === 'first-paint') ?? paints.find((paint) => paint.name === 'first-contentful-paint');
  return entry ? Math.round(entry.startTime) : undefined;
}

function navigationTimings(performance: Performance): LoadFact {
  const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
  const timings: LoadFact = {};
  if (navigation?.domContentLoadedEventStart > 0) timings.LoadDomContentTime = Math.round(navigation.domContentLoadedEventStart);
  if (navigation?.loadEventStart > 0) timings.LoadEventTime = Math.round(navigation.loadEventStart);
  const paint = firstPaint(performance);
  if (paint !== undefined) timings.LoadFirstPaintTime = paint;
  return timings;
}

/**
 * Load timings (ms since navigation start) from Navigation Timing and Paint Timing, reported once
 * the load event has fired and a first paint is known; `flush()` reports what is known by then.
 */
export function watchLoad(win: Window & typeof globalThis, report: (timings: LoadFact) => void, safety: Safety) {
  const { performance } = win;
  let done = !performance || typeof performance.getEntriesByType !== 'function';
  let observer: PerformanceObserver | undefined;

  function finish(): void {
    if (done) return;
    done = true;
    observer?.disconnect();
    win.removeEventListener('load', onLoad);
    report(navigationTimings(performance));
  }

  function check(): void {
    if (done || win.document.readyState !== 'complete') return;
    const timings = navigationTimings(performance);
    if (timings.LoadEventTime !== undefined && timings.LoadFirstPaintTime !== undefined) finish();
  }

  // loadEventStart is set once the load event is dispatched; look after its handlers have run.
  const onLoad = safety.wrap(() => setTimeout(safety.wrap(check), 0));
  if (!done) {
    win.addEventListener('load', onLoad);
    if (typeof win.PerformanceObserver === 'function') {
      safety.run(() => {
        observer = new win.PerformanceObserver(safety.wrap(check));
        observer.observe({ type: 'paint', buffered: true });
      });
    }
    check();
  }

  return {
    flush(): void {
      if (!done && win.document.readyState === 'complete') finish();
    },
    stop(): void {
      done = true;
      observer?.disconnect();
      win.removeEventListener('load', onLoad);
    },
  };
}
