import { IncrementalSource, MouseInteractions, PointerTypes } from '../../lib/rrweb';
import type { RecordContext } from '../types';
import { listen, stopAll, type Stop } from './listen';
import { eventTarget, pointerTargetId } from './target';

const POINTER_TYPES: Record<string, PointerTypes> = {
  mouse: PointerTypes.Mouse,
  pen: PointerTypes.Pen,
  touch: PointerTypes.Touch,
};

/** Interactions whose DOM event name is the same with or without Pointer Events. */
const DIRECT: Record<string, MouseInteractions> = {
  click: MouseInteractions.Click,
  dblclick: MouseInteractions.DblClick,
  contextmenu: MouseInteractions.ContextMenu,
  focus: MouseInteractions.Focus,
  blur: MouseInteractions.Blur,
  touchcancel: MouseInteractions.TouchCancel,
};

/** Without Pointer Events: the legacy mouse and touch events. */
const LEGACY: Record<string, MouseInteractions> = {
  mousedown: MouseInteractions.MouseDown,
  mouseup: MouseInteractions.MouseUp,
  touchstart: MouseInteractions.TouchStart,
  touchend: MouseInteractions.TouchEnd,
};

/** With Pointer Events, a finger's press and release are TouchStart/TouchEnd, as rrweb records them. */
function pointerInteraction(type: string, pointer: PointerTypes | undefined): MouseInteractions {
  const down = type === 'pointerdown';
  if (pointer === PointerTypes.Touch) return down ? MouseInteractions.TouchStart : MouseInteractions.TouchEnd;
  return down ? MouseInteractions.MouseDown : MouseInteractions.MouseUp;
}

/**
 * Clicks, presses, focus changes and touches, with the viewport position and, where the event
 * tells, the kind of pointer. A click carries the pointer type of the press that caused it.
 */
export function observeMouseInteraction(ctx: RecordContext): Stop {
  const usePointerEvents = typeof (ctx.win as Window & typeof globalThis).PointerEvent === 'function';
  let lastPointer: PointerTypes | undefined;

  const emit = (event: Event, type: MouseInteractions, pointerType?: PointerTypes) => {
    const id = pointerTargetId(ctx, eventTarget(event));
    if (id === -1) return;
    const point = 'changedTouches' in event ? (event as TouchEvent).changedTouches[0] : (event as MouseEvent);
    const position = point && 'clientX' in point ? { x: point.clientX, y: point.clientY } : {};
    ctx.emitIncremental({
      source: IncrementalSource.MouseInteraction,
      type,
      id,
      ...position,
      ...(pointerType === undefined ? {} : { pointerType }),
    });
  };

  const handlers: Record<string, (event: Event) => void> = {};
  for (const [name, type] of Object.entries(DIRECT)) {
    handlers[name] =
      type === MouseInteractions.Click ? (event) => emit(event, type, lastPointer) : (event) => emit(event, type);
  }
  if (usePointerEvents) {
    for (const name of ['pointerdown', 'pointerup']) {
      handlers[name] = (event) => {
        lastPointer = POINTER_TYPES[(event as PointerEvent).pointerType];
        emit(event, pointerInteraction(name, lastPointer), lastPointer);
      };
    }
  } else {
    for (const [name, type] of Object.entries(LEGACY)) handlers[name] = (event) => emit(event, type);
  }

  return stopAll(
    ctx,
    Object.entries(handlers).map(([name, handler]) => listen(ctx, ctx.doc, name, handler)),
  );
}
