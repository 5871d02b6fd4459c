import { guard } from './guard';
import { replaceProperty } from './replace-property';

/**
 * Calls `after(target)` whenever the accessor `name` of `proto` (an input's `value`, a document's
 * `adoptedStyleSheets`) is set, once the page's value is in place. An error of the page's setter
 * still reaches the caller; an error of `after` goes to `report` instead.
 *
 * The returned stop makes our setter a pass-through (code that copied it, as React does per field,
 * keeps working) and puts the page's accessor back only while ours is the one installed.
 */
export function patchSetter<T extends object>(
  proto: T | undefined,
  name: string,
  report: (error: unknown) => void,
  after: (target: T) => void,
): () => void {
  const own = proto && Object.getOwnPropertyDescriptor(proto, name);
  if (!proto || !own || !own.set) return () => undefined;
  const originalSet = own.set;
  const notify = guard(report, after);
  let active = true;
  const set = function (this: T, value: unknown) {
    originalSet.call(this, value);
    if (active) notify(this);
  };
  const restore = replaceProperty(proto, name, { get: own.get, set }, (installed) => installed.set === set);
  return () => {
    active = false;
    restore?.();
  };
}
