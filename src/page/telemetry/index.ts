import { fact, type FactEvent } from '../../facts';
import type { Safety } from '../../lib/safety';
import { watchDispatch } from '../dispatch';
import type { PageOptions } from '../index';
import { bufferErrors } from './early-errors';
import { withTelemetry } from './load';

/**
 * Console, network, load-timing and web-vitals capture, started as telemetry.js arrives (fs.js
 * imports it as capture starts; docs/architecture.md, "Bundle size"). Until then fs.js keeps the page's
 * uncaught errors and rejections for it, and the element each event being dispatched was on, for
 * the privacy rules of error messages. After `stop()` nothing starts; telemetry.js missing, capture
 * goes on without these and says so once.
 */
export function watchTelemetry(win: Window & typeof globalThis, emit: (event: FactEvent) => void, safety: Safety, options: PageOptions, onError: () => void) {
  const dispatch = options.privacy && watchDispatch(win, safety);
  const target = dispatch ? dispatch.target : undefined;
  const buffer = bufferErrors(win, safety, onError, target);
  let late: ReturnType<typeof import('./lib').startTelemetry> | undefined;
  let stopped = false;
  withTelemetry(safety.wrap((lib) => {
    if (stopped) return;
    late = lib.startTelemetry(win, emit, safety, options, onError, buffer.early, target);
    buffer.stop();
  }));
  return {
    flush(): void {
      if (late) late.flush();
      // Until telemetry.js is there, the errors so far are at least counted.
      else if (buffer.early.count) emit(fact('console', { PageNumInfos: 0, PageNumWarnings: 0, PageNumErrors: buffer.early.count }));
    },
    stop(): void {
      stopped = true;
      buffer.stop();
      late?.stop();
      if (dispatch) dispatch.stop();
    },
  };
}
