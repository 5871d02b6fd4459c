import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import type { VitalFact } from '../../facts';
import type { Safety } from '../../lib/safety';

/**
 * Core Web Vitals through the web-vitals package, which reports each metric when it is final (LCP
 * on first input or hide, CLS and INP on hide). This runs in telemetry.js, which fs.js imports as
 * capture starts, as PostHog's script loads its own web-vitals bundle: the browser buffers the
 * entries LCP, CLS, FCP and TTFB are read from, and the first input; only an interaction under
 * 104 ms (the Event Timing buffer's threshold) in the moments before the import lands is missed
 * by INP (docs/page.md). web-vitals offers no way to unsubscribe, so after `stop()` its late
 * reports are dropped here.
 */
export function watchVitals(report: (vital: VitalFact) => void, safety: Safety) {
  let active = true;
  const onMetric = safety.wrap((metric: Metric) => {
    if (!active) return;
    report({ name: metric.name, value: metric.name === 'CLS' ? metric.value : Math.round(metric.value), rating: metric.rating });
  });
  for (const on of [onLCP, onCLS, onINP, onFCP, onTTFB]) on(onMetric);
  return {
    stop(): void {
      active = false;
    },
  };
}
