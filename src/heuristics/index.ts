import type { eventWithTime, incrementalData, IncrementalSource as Source } from '@rrweb/types';
import { fact, type FactPayloads, type FactTag } from '../facts';
import { patchMethod } from '../lib/patch';
import { EventType, IncrementalSource, MouseInteractions } from '../lib/rrweb';
import type { Subscribe } from '../lib/signal';
import type { Privacy } from '../privacy/types';
import type { NodeMirror } from '../record/types';
import { createSafety } from '../lib/safety';
import { createQuietNodes } from './quiet-nodes';
import { createClickTracker, type Signal } from './clicks';
import { createFormTracker } from './forms';
import { suspicion } from './suspicious';
import { browserHandlesClick, selectorToken } from './target';
import { createThrashDetector } from './thrash';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds';

export { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds';
export { suspicion } from './suspicious';
export { encodeSelectorPart, selectorToken } from './target';

export interface HeuristicsOptions {
  /** The next stage: receives every event unchanged, plus the facts this stage adds. */
  next: (event: eventWithTime) => void;
  /** The recorder's mirror, to resolve node ids in the stream to live nodes. */
  mirror: NodeMirror;
  privacy: Privacy;
  /**
   * Errors on the page (console.error, uncaught errors, unhandled rejections) as page telemetry,
   * their one observer, reports them; without it no click is marked as followed by an error.
   */
  pageErrors?: Subscribe;
  /** Defaults to the global window; without one the stage only reads the stream. */
  window?: Window;
  thresholds?: Partial<Thresholds>;
}

export interface Heuristics {
  observe(event: eventWithTime): void;
  /** Closes open windows (pending clicks, thrash episodes, edited forms) and emits what they hold. */
  flush(): void;
  /** Removes listeners and patches and drops pending state without emitting; call flush() first. */
  stop(): void;
}

type MutationData = Extract<incrementalData, { source: Source.Mutation }>;

/** Ids of the nodes a mutation changed: parents that gained or lost children, texts, attributes. */
function changedIds(data: MutationData): number[] {
  const ids: number[] = [];
  for (const add of data.adds) ids.push(add.parentId);
  for (const remove of data.removes) ids.push(remove.parentId);
  for (const text of data.texts) ids.push(text.id);
  for (const attribute of data.attributes) ids.push(attribute.id);
  return ids;
}

function mutatedNodes(data: MutationData, changed: number[], mirror: NodeMirror): Node[] {
  const nodes: Node[] = [];
  for (const id of [...changed, ...data.adds.map((add) => add.node.id)]) {
    const node = mirror.getNode(id);
    if (node) nodes.push(node);
  }
  return nodes;
}

/**
 * The frustration heuristics as a pipeline stage: every event passes through to `next` unchanged;
 * click, change, navigate, thrash and abandon facts are added as the stream (and, where the stream
 * cannot tell, the live page) reveals them. Nothing here throws into the page.
 */
export function startHeuristics(options: HeuristicsOptions): Heuristics {
  const { next, mirror, privacy } = options;
  const thresholds: Thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const win: Window | undefined = options.window ?? (typeof window === 'undefined' ? undefined : window);
  const safety = createSafety('heuristics');
  const cleanups: Array<() => void> = [];
  let stopped = false;
  let lastHref: string | undefined;
  let press: { id: number; at: number } | undefined;

  // Facts are also emitted from timers (a window closing): guard them like every entry point.
  const emitFact = <T extends FactTag>(tag: T, payload: () => FactPayloads[T]) => safety.run(() => next(fact(tag, payload())));
  const quietNodes = createQuietNodes(thresholds.responseQuietMs);
  const clicks = createClickTracker({ thresholds, privacy, emit: (payload) => emitFact('click', () => payload) });
  const forms = createFormTracker({
    thresholds,
    privacy,
    emitChange: (payload) => emitFact('change', () => payload),
    emitAbandon: (payload) => emitFact('abandon', () => payload),
  });
  const thrash = createThrashDetector(thresholds, (episode) =>
    emitFact('thrash', () => ({
      EventStart: episode.start,
      EventTargetSelectorTok: selectorToken(episode.node, privacy),
      reversals: episode.reversals,
    })),
  );

  function navigate(href: string, at: number): void {
    if (href === lastHref) return;
    const first = lastHref === undefined;
    lastHref = href;
    if (!first) {
      clicks.signal({ kind: 'navigation', at });
      forms.leave();
    }
    emitFact('navigate', () => ({ EventStart: at, PageUrl: href, EventSubType: first ? 'load' : 'spa', EventModSuspicious: suspicion(href) }));
  }

  function incremental(data: incrementalData, at: number): void {
    switch (data.source) {
      case IncrementalSource.Mutation: {
        const changed = changedIds(data);
        const clickWaiting = clicks.waiting() || (press !== undefined && at - press.at <= thresholds.clickWindowMs);
        const quietNodeChanged = quietNodes.changed(changed, at, clickWaiting);
        // Resolving a large batch costs; only do it while a click (or a press about to become one) waits.
        if (clickWaiting) {
          clicks.signal({ kind: 'dom', at, nodes: mutatedNodes(data, changed, mirror), quietNodeChanged });
        }
        break;
      }
      case IncrementalSource.Input: {
        const node = mirror.getNode(data.id);
        if (node) clicks.signal({ kind: 'dom', at, nodes: [node], quietNodeChanged: false });
        if (data.userTriggered !== false) forms.edit(node, at);
        break;
      }
      case IncrementalSource.Scroll:
        clicks.signal({ kind: 'scroll', at });
        break;
      case IncrementalSource.MouseMove:
        for (const position of data.positions) {
          thrash.move({ x: position.x, y: position.y, at: at + position.timeOffset, node: mirror.getNode(position.id) });
        }
        break;
      case IncrementalSource.MouseInteraction:
        if (data.type === MouseInteractions.MouseDown) press = { id: data.id, at };
        if (data.type === MouseInteractions.Click) {
          const x = data.x ?? 0;
          const y = data.y ?? 0;
          clicks.click({
            node: mirror.getNode(data.id),
            at,
            pressedAt: press && press.id === data.id ? press.at : undefined,
            x,
            y,
            pageX: win ? x + win.scrollX : undefined,
            pageY: win ? y + win.scrollY : undefined,
          });
          press = undefined;
        }
        break;
    }
  }

  function inspect(event: eventWithTime): void {
    if (event.type === EventType.Meta) navigate(event.data.href, event.timestamp);
    else if (event.type === EventType.IncrementalSnapshot) incremental(event.data, event.timestamp);
  }

  function listen(target: EventTarget, type: string, handler: (event: Event) => void, capture = false): void {
    const wrapped = safety.wrap(handler);
    target.addEventListener(type, wrapped, { capture, passive: true });
    cleanups.push(() => target.removeEventListener(type, wrapped, { capture }));
  }

  function watchPage(page: Window): void {
    const doc = page.document;
    const signal = (event: Signal) => clicks.signal(event);
    cleanups.push(patchMethod(page, 'open', safety.report, { before: () => signal({ kind: 'window', at: Date.now() }) }));
    listen(doc, 'focusin', (event) => signal({ kind: 'focus', at: Date.now(), node: event.composedPath()[0] as Node }), true);
    listen(doc, 'selectionchange', () => {
      const selection = page.getSelection();
      if (selection && !selection.isCollapsed) signal({ kind: 'selection', at: Date.now() });
    });
    listen(doc, 'change', (event) => forms.commit(event.composedPath()[0] as Node, Date.now()), true);
    listen(doc, 'submit', (event) => forms.submit(event.target as Element), true);
    // Bubbling listeners on the window run after the page's own handlers, so they see whether a
    // script took over (preventDefault) or the browser will navigate, open a tab or download.
    listen(page, 'click', (event) => {
      if (!event.defaultPrevented && browserHandlesClick(event.composedPath()[0] as Node)) signal({ kind: 'navigation', at: Date.now() });
    });
    listen(page, 'submit', (event) => {
      if (!event.defaultPrevented) signal({ kind: 'navigation', at: Date.now() });
    });
  }

  if (win) safety.run(() => watchPage(win));
  if (options.pageErrors) cleanups.push(options.pageErrors(safety.wrap(() => clicks.signal({ kind: 'error', at: Date.now() }))));

  return {
    observe(event) {
      safety.run(() => next(event));
      if (!stopped) safety.run(() => inspect(event));
    },
    flush() {
      if (stopped) return;
      safety.run(() => {
        clicks.flush();
        thrash.flush();
        forms.leave();
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      safety.run(() => {
        for (const cleanup of cleanups.splice(0)) cleanup();
        clicks.stop();
        quietNodes.clear();
        thrash.stop();
        forms.stop();
      });
    },
  };
}
