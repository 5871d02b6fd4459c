import type { Stop } from '../observers/listen';
import type { RecordContext } from '../types';
import { loadCanvas } from './load';

/** Starts the canvas recorder on one document once its code has arrived; the stop works before that too. */
export function startLazyCanvas(ctx: RecordContext): Stop {
  let stop: Stop | undefined;
  let stopped = false;
  loadCanvas()
    .then((canvas) => {
      if (!stopped) stop = canvas.startCanvas(ctx);
    })
    .catch(ctx.reportError);
  return () => {
    stopped = true;
    stop?.();
  };
}
