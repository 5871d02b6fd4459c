import type { RecordContext } from '../types';
import { guard, patchAfter, stopAll, type Stop } from './guard';

/** A document or an open shadow root: the places where non-composed events stay. */
export type EventRoot = Document | ShadowRoot;

export interface Roots {
  /**
   * Applies `attach` to the document, to every open shadow root in it now, and to every one
   * attached later. What `attach` returns is undone on stop.
   */
  each(attach: (root: EventRoot) => Stop): void;
  stop: Stop;
}

/**
 * Scroll, change and media events do not cross a shadow boundary, so listening on the document
 * alone would miss them inside shadow DOM. Existing roots are found by one walk at start; new
 * ones by wrapping Element.prototype.attachShadow (restored on stop).
 */
export function startRoots(ctx: RecordContext): Roots {
  const roots: EventRoot[] = [ctx.doc];
  const attachers: Array<(root: EventRoot) => Stop> = [];
  const stops: Stop[] = [];
  const attachAll = (root: EventRoot, list: Array<(root: EventRoot) => Stop>) => {
    for (const attach of list) guard(ctx, () => stops.push(attach(root)))();
  };
  const addRoot = (root: EventRoot) => {
    if (roots.includes(root)) return;
    roots.push(root);
    attachAll(root, attachers);
  };

  guard(ctx, () => collectShadowRoots(ctx.doc).forEach(addRoot))();

  const elementProto = (ctx.win as Window & typeof globalThis).Element?.prototype;
  if (elementProto) {
    const ShadowRootClass = (ctx.win as Window & typeof globalThis).ShadowRoot;
    stops.push(
      patchAfter(ctx, elementProto, 'attachShadow', (_host, _args, root) => {
        if (root instanceof ShadowRootClass && root.mode === 'open') addRoot(root);
      }),
    );
  }

  return {
    each(attach) {
      attachers.push(attach);
      for (const root of roots.slice()) attachAll(root, [attach]);
    },
    stop: stopAll(ctx, stops),
  };
}

function collectShadowRoots(start: Document | ShadowRoot): ShadowRoot[] {
  const found: ShadowRoot[] = [];
  const pending: Array<Document | ShadowRoot> = [start];
  while (pending.length) {
    const root = pending.pop() as Document | ShadowRoot;
    for (const element of Array.from(root.querySelectorAll('*'))) {
      const shadow = element.shadowRoot;
      if (shadow && shadow.mode === 'open') {
        found.push(shadow);
        pending.push(shadow);
      }
    }
  }
  return found;
}
