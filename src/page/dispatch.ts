import type { Safety } from '../lib/safety';

/**
 * Events whose handlers act on the element the visitor used; an error thrown while one of them
 * is dispatched is attributed to that element.
 */
export const ATTRIBUTED_EVENTS = ['click', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'input', 'change', 'keydown', 'keyup', 'submit', 'focusin', 'focusout'];

/**
 * The target of the event being dispatched now. A capture listener on the window runs before
 * any page handler; the target is forgotten when the task ends (a timer), so an error later in
 * the same task is attributed to it too: the masking side.
 */
export function watchDispatch(win: Window, safety: Safety) {
  let current: Node | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const forget = () => {
    current = null;
    timer = undefined;
  };
  const onEvent = safety.wrap((event: Event) => {
    current = (event.composedPath()[0] as Node | undefined) ?? null;
    if (timer === undefined) timer = setTimeout(forget);
  });
  for (const type of ATTRIBUTED_EVENTS) win.addEventListener(type, onEvent, { capture: true, passive: true });
  return {
    target: () => current,
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      for (const type of ATTRIBUTED_EVENTS) win.removeEventListener(type, onEvent, { capture: true });
    },
  };
}
