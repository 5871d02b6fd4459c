import { EventType } from '../../lib/rrweb';
import type { RecordContext } from '../types';
import { patchMethod } from '../../lib/patch';
import { listen, stopAll, type Stop } from './listen';
import { viewportSize } from './viewport';

/**
 * Single-page navigation: every change of the URL without a page load (pushState, replaceState,
 * back/forward, fragment changes) becomes a Meta event with the new href, which heuristics turn
 * into `navigate` facts. The recorder answers a Meta with a new full snapshot (rrweb's player
 * starts over at every Meta), so `afterMeta` lets the other observers re-send what a snapshot does
 * not carry. Only the top recorded document navigates the page; a same-origin iframe's own
 * history is not the page's URL.
 */
export function observeNavigation(ctx: RecordContext, afterMeta: () => void): Stop {
  if (ctx.win.frameElement) return () => undefined;
  let lastHref = ctx.win.location.href;

  const check = () => {
    const href = ctx.win.location.href;
    if (href === lastHref) return;
    lastHref = href;
    ctx.emit({ type: EventType.Meta, data: { href, ...viewportSize(ctx.win) }, timestamp: Date.now() });
    afterMeta();
  };

  const history = ctx.win.history;
  const wrapHistory = (name: 'pushState' | 'replaceState') => patchMethod(history, name, ctx.reportError, { after: check });

  return stopAll(ctx, [
    wrapHistory('pushState'),
    wrapHistory('replaceState'),
    listen(ctx, ctx.win, 'popstate', check),
    listen(ctx, ctx.win, 'hashchange', check),
  ]);
}
