import { IncrementalSource } from '../../lib/rrweb';
import type { RecordContext } from '../types';
import { listen, type Stop } from './listen';
import type { Roots } from './roots';
import { keyedThrottle } from './throttle';
import { eventTarget, idOf } from './target';

/**
 * Scroll positions of the window (reported with the document's id, as rrweb's player expects)
 * and of scrollable elements, throttled per target with the final position always kept.
 */
export function observeScroll(ctx: RecordContext, roots: Roots): Stop {
  const throttle = keyedThrottle<Node, null>(ctx.win, ctx.sampling.scroll, (target) => {
    const id = idOf(ctx, target);
    if (id === -1) return;
    if (target === ctx.doc) {
      const scroller = ctx.doc.scrollingElement;
      ctx.emitIncremental({
        source: IncrementalSource.Scroll,
        id,
        x: scroller ? scroller.scrollLeft : ctx.win.scrollX,
        y: scroller ? scroller.scrollTop : ctx.win.scrollY,
      });
      return;
    }
    const element = target as Element;
    ctx.emitIncremental({ source: IncrementalSource.Scroll, id, x: element.scrollLeft, y: element.scrollTop });
  });

  roots.each((root) =>
    listen(ctx, root, 'scroll', (event) => {
      const target = eventTarget(event);
      if (!target) return;
      // The window's scroll is dispatched on the document; the scrolling element stands for it.
      throttle.call(target === ctx.doc.scrollingElement ? ctx.doc : target, null);
    }),
  );
  return throttle.cancel;
}
