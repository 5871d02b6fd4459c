import { IncrementalSource } from '../../lib/rrweb';
import type { RecordContext } from '../types';
import { listen, type Stop } from './listen';

/** The layout viewport's size, as rrweb reads it (innerWidth/innerHeight, client size as fallback). */
export function viewportSize(win: Window): { width: number; height: number } {
  const root = win.document.documentElement;
  return {
    width: win.innerWidth || (root && root.clientWidth) || 0,
    height: win.innerHeight || (root && root.clientHeight) || 0,
  };
}

/** Viewport resizes, one event per distinct size. */
export function observeViewport(ctx: RecordContext): Stop {
  let last = viewportSize(ctx.win);
  return listen(ctx, ctx.win, 'resize', () => {
    const size = viewportSize(ctx.win);
    if (size.width === last.width && size.height === last.height) return;
    last = size;
    ctx.emitIncremental({ source: IncrementalSource.ViewportResize, ...size });
  });
}
