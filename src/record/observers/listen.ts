import { guard } from '../../lib/guard';
import type { RecordContext } from '../types';

/** Undoes one thing an observer did (a listener, a patch, a timer). */
export type Stop = () => void;

/** A capture, passive listener: it sees events before page handlers can stop them. */
export function listen(
  ctx: RecordContext,
  target: EventTarget,
  type: string,
  handler: (event: Event) => void,
): Stop {
  const options: AddEventListenerOptions = { capture: true, passive: true };
  const guarded = guard(ctx.reportError, handler);
  target.addEventListener(type, guarded, options);
  return () => target.removeEventListener(type, guarded, options);
}

/** Runs every stop, last first; one failing stop does not keep the others from running. */
export function stopAll(ctx: RecordContext, stops: Stop[]): Stop {
  return () => {
    while (stops.length) guard(ctx.reportError, stops.pop() as Stop)();
  };
}
