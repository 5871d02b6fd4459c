import type { RecordContext } from '../types';
import { guard } from '../../lib/guard';
import { stopAll, type Stop } from './listen';
import { observeInput } from './input';
import { observeMedia } from './media';
import { observeMouseInteraction } from './mouse-interaction';
import { observeMouseMove } from './mouse-move';
import { observeNavigation } from './navigation';
import { startRoots, type Roots } from './roots';
import { observeScroll } from './scroll';
import { observeStyleSheets, type StyleSheetObserver } from './stylesheet';
import { observeViewport } from './viewport';
import { startLazyCanvas } from '../canvas/lazy';

const OBSERVERS: Array<(ctx: RecordContext, roots: Roots) => Stop> = [
  observeMouseMove,
  observeMouseInteraction,
  observeScroll,
  observeViewport,
  observeInput,
  observeMedia,
];

/** What the observers of all documents of one recording share: style ids are unique across frames. */
export interface RecordingShared {
  nextStyleId(): number;
  /** Canvas frames (options.recordCanvas); their code is loaded only then. */
  recordCanvas?: boolean;
}

export function createRecordingShared(recordCanvas?: boolean): RecordingShared {
  let styleId = 0;
  return { nextStyleId: () => ++styleId, recordCanvas };
}

/**
 * Starts every interaction observer on one recorded document (the main one or a same-origin
 * iframe's). The returned function removes every listener and restores every patched global.
 * An observer that fails to start is reported and skipped; the others still run.
 */
export function startObservers(ctx: RecordContext, shared = createRecordingShared()): () => void {
  const stops: Stop[] = [];
  const roots = startRoots(ctx);
  stops.push(roots.stop);
  for (const observe of OBSERVERS) guard(ctx.reportError, () => stops.push(observe(ctx, roots)))();
  let styleSheets: StyleSheetObserver | undefined;
  guard(ctx.reportError, () => {
    styleSheets = observeStyleSheets(ctx, roots, shared.nextStyleId);
    stops.push(styleSheets.stop);
  })();
  if (shared.recordCanvas) guard(ctx.reportError, () => stops.push(startLazyCanvas(ctx)))();
  guard(ctx.reportError, () => stops.push(observeNavigation(ctx, () => styleSheets?.afterFullSnapshot())))();
  const stop = stopAll(ctx, stops);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    stop();
  };
}
