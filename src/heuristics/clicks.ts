import type { ClickFact } from '../facts';
import type { Privacy } from '../privacy/types';
import { asElement, isEditableControl, selectorToken, stillShown, targetText } from './target';
import type { Thresholds } from './thresholds';

/** Something the page did that may answer a click, or an error that may follow one. */
export type Signal =
  /** `quietNodeChanged`: a node that had been still for a while changed (see RESPONSE_QUIET_MS). */
  | { kind: 'dom'; at: number; nodes: Node[]; quietNodeChanged: boolean }
  | { kind: 'focus'; at: number; node: Node }
  | { kind: 'selection' | 'scroll' | 'navigation' | 'window' | 'error'; at: number };

export interface ClickInput {
  node: Node | null;
  /** Epoch ms of the click. */
  at: number;
  /** Epoch ms of the mousedown that started it, when it was on the same target. */
  pressedAt?: number;
  /** Viewport coordinates, for the rage radius. */
  x: number;
  y: number;
  /** Page coordinates, for heatmaps. */
  pageX?: number;
  pageY?: number;
}

interface PendingClick {
  input: ClickInput;
  windowStart: number;
  scope: Element | null;
  exempt: boolean;
  text: string;
  selector: string;
  answered: boolean;
  errored: boolean;
}

interface Series {
  clicks: PendingClick[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Signals that arrived before their click was reported (mousedown handlers, bubbling-phase recorders). */
const SIGNAL_MEMORY_MS = 2000;
const SIGNAL_MEMORY_MAX = 200;

function isInclusiveAncestor(candidate: Node, node: Node): boolean {
  return candidate === node || candidate.contains(node);
}

/** The target's ancestor `levels` up, never the body or the root: a mutation anywhere in it is "near". */
function responseScope(target: Element | null, levels: number): Element | null {
  let scope = target;
  for (let i = 0; i < levels && scope; i++) {
    const parent: Element | null = scope.parentElement;
    if (!parent || parent.localName === 'body' || parent.localName === 'html') break;
    scope = parent;
  }
  return scope;
}

/**
 * Rage, dead and error clicks. Clicks on one spot in quick succession form a series; a series is
 * emitted once the window of its last click has closed, so every click of a rage series carries
 * its running count (1, 2, 3…) and the earliest clicks are not reported before the series is known.
 */
export function createClickTracker(options: {
  thresholds: Thresholds;
  privacy: Privacy;
  emit: (payload: ClickFact) => void;
}) {
  const { thresholds: t, privacy, emit } = options;
  const open: Series[] = [];
  const recent: Signal[] = [];
  let current: Series | undefined;

  function answers(click: PendingClick, signal: Signal): boolean {
    const { at } = click.input;
    if (signal.at < click.windowStart || signal.at > at + t.clickWindowMs) return false;
    switch (signal.kind) {
      case 'scroll':
        return signal.at <= at + t.responseScrollMs;
      case 'selection':
        return signal.at <= at + t.responseFocusMs;
      case 'focus': {
        const target = click.input.node;
        // Focus landing on the clicked control itself (or its container) is the browser's default, not an answer.
        return signal.at <= at + t.responseFocusMs && !(target && isInclusiveAncestor(signal.node, target));
      }
      case 'dom': {
        const target = click.input.node;
        if (signal.quietNodeChanged) return true;
        return signal.nodes.some(
          (node) =>
            (target !== null && isInclusiveAncestor(node, target)) || (click.scope !== null && click.scope.contains(node)),
        );
      }
      case 'error':
        return false;
      default:
        return true;
    }
  }

  function apply(click: PendingClick, signal: Signal): void {
    if (signal.kind === 'error') {
      if (signal.at >= click.windowStart && signal.at <= click.input.at + t.clickWindowMs) click.errored = true;
    } else if (!click.answered && answers(click, signal)) {
      click.answered = true;
    }
  }

  function emitSeries(series: Series, windowClosed: boolean): void {
    if (series.timer !== undefined) clearTimeout(series.timer);
    const index = open.indexOf(series);
    if (index >= 0) open.splice(index, 1);
    if (current === series) current = undefined;
    const rage = series.clicks.length >= t.rageMinClicks;
    series.clicks.forEach((click, position) => {
      const { input } = click;
      const { text, selector } = stillShown(input.node, click, privacy);
      const payload: ClickFact = {
        EventStart: input.at,
        EventTargetText: text,
        EventTargetSelectorTok: selector,
        EventModFrustrated: rage ? position + 1 : 0,
        // A window cut short by page hide is given the benefit of the doubt: leaving is often the answer.
        EventModDead: windowClosed && !click.exempt && !click.answered ? 1 : 0,
        EventModError: click.errored ? 1 : 0,
      };
      if (input.pageX !== undefined && input.pageY !== undefined) {
        payload.x = Math.round(input.pageX);
        payload.y = Math.round(input.pageY);
      }
      emit(payload);
    });
  }

  function continues(series: Series | undefined, click: PendingClick): series is Series {
    if (!series || click.exempt) return false;
    const last = series.clicks[series.clicks.length - 1];
    if (last.exempt) return false;
    const gap = click.input.at - last.input.at;
    const distance = Math.hypot(click.input.x - last.input.x, click.input.y - last.input.y);
    return gap <= t.rageMaxGapMs && distance <= t.rageRadiusPx;
  }

  function click(input: ClickInput): void {
    const target = asElement(input.node);
    const pending: PendingClick = {
      input,
      windowStart: Math.min(input.pressedAt ?? input.at, input.at),
      scope: responseScope(target, t.responseAncestorLevels),
      exempt: isEditableControl(target),
      text: targetText(target, privacy, t.targetTextMax),
      selector: selectorToken(target, privacy),
      answered: false,
      errored: false,
    };
    for (const signal of recent) apply(pending, signal);
    const series: Series = continues(current, pending) ? current : { clicks: [], timer: undefined };
    if (series !== current) {
      open.push(series);
      current = series;
    }
    series.clicks.push(pending);
    if (series.timer !== undefined) clearTimeout(series.timer);
    series.timer = setTimeout(() => emitSeries(series, true), Math.max(0, input.at + t.clickWindowMs - Date.now()));
  }

  function signal(event: Signal): void {
    recent.push(event);
    while (recent.length > SIGNAL_MEMORY_MAX || (recent.length && recent[0].at < event.at - SIGNAL_MEMORY_MS)) recent.shift();
    for (const series of open) for (const pending of series.clicks) apply(pending, event);
  }

  return {
    click,
    signal,
    /** True while some click's window is open. */
    waiting: (): boolean => open.length > 0,
    /** Emits every open series now, judging clicks whose window had not closed as answered. */
    flush(): void {
      for (const series of [...open]) emitSeries(series, false);
    },
    stop(): void {
      for (const series of open) if (series.timer !== undefined) clearTimeout(series.timer);
      open.length = 0;
      recent.length = 0;
      current = undefined;
    },
  };
}

export type ClickTracker = ReturnType<typeof createClickTracker>;
