/**
 * Observes calls to a method of a global object (console.error, window.open) without changing what
 * the call does. `restore()` puts the original back exactly when our wrapper is still in place; when
 * another script has wrapped ours since, the original cannot be put back without dropping that
 * script's wrapper, so ours turns into a plain pass-through instead.
 */
export function observeCalls<T extends object>(
  target: T,
  name: keyof T & string,
  onCall: (args: unknown[]) => void,
): () => void {
  const original = target[name];
  if (typeof original !== 'function') return () => undefined;
  const hadOwn = Object.prototype.hasOwnProperty.call(target, name);
  let active = true;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    if (active) {
      try {
        onCall(args);
      } catch {
        // Observation must never break the host's call.
      }
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  (target as Record<string, unknown>)[name] = wrapper;
  return () => {
    active = false;
    if ((target as Record<string, unknown>)[name] !== wrapper) return;
    if (hadOwn) (target as Record<string, unknown>)[name] = original;
    else delete (target as Record<string, unknown>)[name];
  };
}
