import { fact, type FactEvent } from '../../facts';
import type { Safety } from '../../lib/safety';
import { watchConsole } from '../console';
import type { PageOptions } from '../index';
import { watchLoad } from '../load';
import { watchNetwork } from '../network';
import type { EarlyErrors } from './early-errors';
import { watchVitals } from './vitals';

/**
 * The page telemetry that can start a moment after capture does, because the browser keeps what
 * it would miss or fs.js does (docs/page.md): console messages and errors, network requests, load
 * timings and web vitals. dist/telemetry.js for fs.js, a lazy module the npm build inlines. The
 * console watcher takes over the errors fs.js buffered until now (`early`) and the element of the
 * event being dispatched (`target`, fs.js's since capture started).
 */
export function startTelemetry(
  win: Window & typeof globalThis,
  emit: (event: FactEvent) => void,
  safety: Safety,
  options: PageOptions,
  onError: () => void,
  early: EarlyErrors,
  target?: () => Node | null,
) {
  const { privacy } = options;
  const consoleWatch = safety.run(() => watchConsole(win, emit, { safety, onPageError: onError, privacy, capture: options.console, early, target }));
  const network = options.network && safety.run(() => watchNetwork(win, emit, { ...options.network!, safety, privacy }));
  const load = safety.run(() => watchLoad(win, (timings) => emit(fact('load', timings)), safety));
  const vitals = safety.run(() => watchVitals((vital) => emit(fact('vital', vital)), safety));
  return {
    flush(): void {
      consoleWatch?.flush();
      network?.flush();
      load?.flush();
    },
    stop(): void {
      safety.run(() => consoleWatch?.stop());
      safety.run(() => network?.stop());
      safety.run(() => load?.stop());
      vitals?.stop();
    },
  };
}
