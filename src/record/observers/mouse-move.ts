import type { mousePosition } from '@rrweb/types';
import { IncrementalSource } from '../../lib/rrweb';
import type { RecordContext } from '../types';
import { listen, stopAll, type Stop } from './listen';
import { keyedThrottle } from './throttle';
import { eventTarget, pointerTargetId } from './target';

type MoveSource = typeof IncrementalSource.MouseMove | typeof IncrementalSource.TouchMove | typeof IncrementalSource.Drag;

const SOURCE_OF_EVENT: Record<string, MoveSource> = {
  mousemove: IncrementalSource.MouseMove,
  touchmove: IncrementalSource.TouchMove,
  drag: IncrementalSource.Drag,
};

/**
 * Pointer paths: positions are sampled (at most one per `sampling.mousemove` ms, the last one of
 * a burst kept) and sent in batches every `sampling.mousemoveBatch` ms. Each position carries its
 * offset (≤ 0 ms) from the batch's timestamp, which is how rrweb's player spreads them in time.
 */
export function observeMouseMove(ctx: RecordContext): Stop {
  let batch: Array<{ x: number; y: number; id: number; at: number }> = [];
  let batchSource: MoveSource = IncrementalSource.MouseMove;
  let flushTimer: number | undefined;

  const flush = () => {
    if (flushTimer !== undefined) ctx.win.clearTimeout(flushTimer);
    flushTimer = undefined;
    if (!batch.length) return;
    const now = Date.now();
    const positions: mousePosition[] = batch.map(({ x, y, id, at }) => ({ x, y, id, timeOffset: at - now }));
    batch = [];
    ctx.emitIncremental({ source: batchSource, positions }, now);
  };

  type Sample = { source: MoveSource; x: number; y: number; id: number; at: number };
  const sample = keyedThrottle<object, Sample>(ctx.win, ctx.sampling.mousemove, (_, { source, ...position }) => {
    if (source !== batchSource) flush();
    batchSource = source;
    batch.push(position);
    if (flushTimer === undefined) flushTimer = ctx.win.setTimeout(flush, ctx.sampling.mousemoveBatch);
  });
  const pointer = {};

  // Read everything during dispatch: composedPath() is empty once the event has been handled.
  const onMove = (event: Event) => {
    const point = 'changedTouches' in event ? (event as TouchEvent).changedTouches[0] : (event as MouseEvent);
    if (!point) return;
    const id = pointerTargetId(ctx, eventTarget(event));
    if (id === -1) return;
    sample.call(pointer, { source: SOURCE_OF_EVENT[event.type], x: point.clientX, y: point.clientY, id, at: Date.now() });
  };

  const stops = Object.keys(SOURCE_OF_EVENT).map((type) => listen(ctx, ctx.doc, type, onMove));
  stops.unshift(flush, sample.cancel);
  return stopAll(ctx, stops);
}
