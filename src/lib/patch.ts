import { guard } from './guard';
import { replaceProperty } from './replace-property';

export interface CallHooks<T> {
  /** Learns of a call before the page's method runs. */
  before?(receiver: T, args: unknown[]): void;
  /** Learns of a call that returned, with its result. */
  after?(receiver: T, args: unknown[], result: unknown): void;
}

type Method = (...args: unknown[]) => unknown;

/**
 * Wraps method `name` of `owner` (console.error, history.pushState, attachShadow, a CSSOM method)
 * so the hooks learn of every call without changing it: same receiver, arguments and result; an
 * error of the method still reaches the caller, an error of a hook goes to `report` instead.
 *
 * The returned stop makes the wrapper a pass-through (pages and other scripts keep references to
 * it: a router holding pushState, a logger that wrapped console.error on top of ours) and puts the
 * original back only while our wrapper is the one installed, so another script's wrapper is never
 * removed.
 */
export function patchMethod<T extends object>(
  owner: T,
  name: keyof T & string,
  report: (error: unknown) => void,
  hooks: CallHooks<T>,
): () => void {
  const original = owner[name] as unknown;
  if (typeof original !== 'function') return () => undefined;
  const before = hooks.before && guard(report, hooks.before);
  const after = hooks.after && guard(report, hooks.after);
  let active = true;
  const wrapper = function (this: T, ...args: unknown[]): unknown {
    if (!active) return (original as Method).apply(this, args);
    if (before) before(this, args);
    const result = (original as Method).apply(this, args);
    if (after && active) after(this, args, result);
    return result;
  };
  const restore = replaceProperty(owner, name, { writable: true, value: wrapper }, (installed) => installed.value === wrapper);
  return () => {
    active = false;
    restore?.();
  };
}
