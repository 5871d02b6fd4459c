import { ACTIVE_SPAN_MS } from './constants';
import type { Safety } from '../lib/safety';

const ACTIVITY_EVENTS = ['mousemove', 'mousedown', 'click', 'keydown', 'input', 'scroll', 'wheel', 'touchstart', 'touchmove'];

export interface PageTotals {
  PageDuration: number;
  PageActiveDuration: number;
  PageMaxScrollDepthPercent: number;
}

/**
 * Page duration (since navigation start), active duration (each user action while the page is
 * visible keeps it active for ACTIVE_SPAN_MS, overlapping spans counted once) and the deepest
 * scroll reached, as a percentage of the document's height.
 */
export function watchActivity(win: Window & typeof globalThis, safety: Safety) {
  const doc = win.document;
  const clock = () => win.performance.now();
  let activeTotal = 0;
  let lastAction: number | undefined;
  let maxDepth = 0;

  function closeSpan(at: number): void {
    if (lastAction !== undefined) activeTotal += Math.min(at - lastAction, ACTIVE_SPAN_MS);
    lastAction = undefined;
  }

  function measureDepth(): void {
    const root = doc.documentElement;
    const height = Math.max(root?.scrollHeight ?? 0, doc.body?.scrollHeight ?? 0);
    if (height <= 0) return;
    const seen = ((win.scrollY + win.innerHeight) / height) * 100;
    maxDepth = Math.max(maxDepth, Math.min(100, Math.round(seen)));
  }

  const onAction = safety.wrap((event: Event) => {
    if (doc.visibilityState === 'hidden') return;
    const now = clock();
    closeSpan(now);
    lastAction = now;
    if (event.type === 'scroll') measureDepth();
  });
  const onVisibility = safety.wrap(() => {
    if (doc.visibilityState === 'hidden') closeSpan(clock());
  });

  for (const type of ACTIVITY_EVENTS) win.addEventListener(type, onAction, { capture: true, passive: true });
  doc.addEventListener('visibilitychange', onVisibility);
  measureDepth();

  return {
    totals(): PageTotals {
      const now = clock();
      const open = lastAction === undefined ? 0 : Math.min(now - lastAction, ACTIVE_SPAN_MS);
      measureDepth();
      return {
        PageDuration: Math.round(now),
        PageActiveDuration: Math.round(activeTotal + open),
        PageMaxScrollDepthPercent: maxDepth,
      };
    },
    stop(): void {
      for (const type of ACTIVITY_EVENTS) win.removeEventListener(type, onAction, { capture: true });
      doc.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
