import type { RecordContext } from '../types';
import { guard } from '../../lib/guard';
import { stopAll, type Stop } from './listen';

/** A document or an open shadow root: the places where non-composed events stay. */
export type EventRoot = Document | ShadowRoot;

export interface Roots {
  /**
   * Applies `attach` to the document, to every open shadow root in it now, and to every one
   * attached later. What `attach` returns is undone on stop.
   */
  each(attach: (root: EventRoot) => Stop): void;
  /** The document and the open shadow roots that still exist. */
  current(): EventRoot[];
  stop: Stop;
}

type Ref = { deref(): EventRoot | undefined };

/**
 * Scroll, change and media events do not cross a shadow boundary, so listening on the document
 * alone would miss them inside shadow DOM. Every open root comes through `ctx.onShadowRoot`:
 * those the recorder's walks enter (the ones there at start arrive as the first snapshot reaches
 * them, with no pass of its own over the document) and those attached later.
 *
 * Shadow roots come and go with components for the whole life of a page, so they are held
 * weakly: what was attached to a root lives in a WeakMap keyed by it, and the list of roots
 * holds WeakRefs. A removed component is collected as if nobody listened to it.
 */
export function startRoots(ctx: RecordContext): Roots {
  const win = ctx.win as Window & typeof globalThis;
  const refer = (root: EventRoot): Ref =>
    typeof win.WeakRef === 'function' ? new win.WeakRef(root) : { deref: () => root };
  const refs: Ref[] = [refer(ctx.doc)];
  const known = new WeakSet<EventRoot>([ctx.doc]);
  const attached = new WeakMap<EventRoot, Stop[]>();
  const attachers: Array<(root: EventRoot) => Stop> = [];
  let pruneAt = 64;

  const attach = (root: EventRoot, list: Array<(root: EventRoot) => Stop>) => {
    let stops = attached.get(root);
    if (!stops) attached.set(root, (stops = []));
    for (const run of list) guard(ctx.reportError, () => (stops as Stop[]).push(run(root)))();
  };
  const addRoot = (root: EventRoot) => {
    if (known.has(root)) return;
    known.add(root);
    refs.push(refer(root));
    if (refs.length >= pruneAt) {
      const live = refs.filter((ref) => ref.deref());
      refs.splice(0, refs.length, ...live);
      pruneAt = Math.max(64, live.length * 2);
    }
    attach(root, attachers);
  };
  const current = () => refs.map((ref) => ref.deref()).filter((root): root is EventRoot => !!root);

  const stops: Stop[] = [
    ctx.onShadowRoot((root) => {
      if (root instanceof win.ShadowRoot && root.mode === 'open') addRoot(root);
    }),
  ];
  stops.push(() => {
    for (const root of current()) stopAll(ctx, attached.get(root) ?? [])();
  });

  return {
    each(run) {
      attachers.push(run);
      for (const root of current()) attach(root, [run]);
    },
    current,
    stop: stopAll(ctx, stops),
  };
}
