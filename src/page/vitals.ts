import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import type { VitalFact } from '../facts';
import type { Safety } from '../lib/safety';

/**
 * Core Web Vitals through the web-vitals package, which reports each metric when it is final (LCP
 * on first input or hide, CLS and INP on hide). web-vitals offers no way to unsubscribe, so after
 * `stop()` its late reports are dropped here.
 */
export function watchVitals(report: (vital: VitalFact) => void, safety: Safety) {
  let active = true;
  const onMetric = safety.wrap((metric: Metric) => {
    if (!active) return;
    report({ name: metric.name, value: metric.name === 'CLS' ? metric.value : Math.round(metric.value), rating: metric.rating });
  });
  safety.run(() => {
    onLCP(onMetric);
    onCLS(onMetric);
    onINP(onMetric);
    onFCP(onMetric);
    onTTFB(onMetric);
  });
  return {
    stop(): void {
      active = false;
    },
  };
}
