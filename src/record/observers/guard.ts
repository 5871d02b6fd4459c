import type { RecordContext } from '../types';

/** Undoes one thing an observer did (a listener, a patch, a timer). */
export type Stop = () => void;

/**
 * Wraps a callback that runs inside the page's own event dispatch or API call: an error of ours
 * is reported, never rethrown into the page.
 */
export function guard<A extends unknown[]>(ctx: RecordContext, run: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      run(...args);
    } catch (error) {
      ctx.reportError(error);
    }
  };
}

/** A capture, passive listener: it sees events before page handlers can stop them. */
export function listen(
  ctx: RecordContext,
  target: EventTarget,
  type: string,
  handler: (event: Event) => void,
): Stop {
  const options: AddEventListenerOptions = { capture: true, passive: true };
  const guarded = guard(ctx, handler);
  target.addEventListener(type, guarded, options);
  return () => target.removeEventListener(type, guarded, options);
}

/** Runs every stop, last first; one failing stop does not keep the others from running. */
export function stopAll(ctx: RecordContext, stops: Stop[]): Stop {
  return () => {
    while (stops.length) guard(ctx, stops.pop() as Stop)();
  };
}

/**
 * Replaces `owner[name]` (a method) by `wrap(original)`. The stop puts back exactly what was
 * there: the own property descriptor, or nothing when the method was inherited.
 */
export function patchMethod<T extends object>(
  owner: T,
  name: keyof T & string,
  wrap: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown,
): Stop {
  const own = Object.getOwnPropertyDescriptor(owner, name);
  const original = owner[name] as unknown;
  if (typeof original !== 'function') return () => undefined;
  Object.defineProperty(owner, name, {
    configurable: true,
    enumerable: own ? own.enumerable : false,
    writable: true,
    value: wrap(original as (...args: unknown[]) => unknown),
  });
  return () => {
    if (own) Object.defineProperty(owner, name, own);
    else delete (owner as Record<string, unknown>)[name];
  };
}

/**
 * Calls `after(this)` whenever the accessor `name` of `proto` is set, after the page's value is
 * in place. Errors of the original setter still reach the caller; errors of `after` do not.
 * Code that copied the patched setter (React keeps one per field) gets a plain pass-through once
 * stopped.
 */
export function patchSetter<T extends object>(
  ctx: RecordContext,
  proto: T | undefined,
  name: string,
  after: (target: T) => void,
): Stop {
  const own = proto && Object.getOwnPropertyDescriptor(proto, name);
  if (!proto || !own || !own.set || !own.configurable) return () => undefined;
  const originalSet = own.set;
  const notify = guard(ctx, after);
  let active = true;
  Object.defineProperty(proto, name, {
    ...own,
    set(this: T, value: unknown) {
      originalSet.call(this, value);
      if (active) notify(this);
    },
  });
  return () => {
    active = false;
    Object.defineProperty(proto, name, own);
  };
}

/**
 * Wraps a method so that, after the page's call succeeded, `after` learns the receiver, the
 * arguments and the result. Errors of the original still reach the caller; errors of `after` do not.
 * A reference to the wrapper kept by the page (a router holding `history.pushState`) becomes a
 * plain pass-through once stopped.
 */
export function patchAfter<T extends object>(
  ctx: RecordContext,
  proto: T,
  name: keyof T & string,
  after: (receiver: T, args: unknown[], result: unknown) => void,
): Stop {
  const notify = guard(ctx, after);
  let active = true;
  const restore = patchMethod(proto, name, (original) =>
    function (this: T, ...args: unknown[]) {
      const result = original.apply(this, args);
      if (active) notify(this, args, result);
      return result;
    },
  );
  return () => {
    active = false;
    restore();
  };
}
