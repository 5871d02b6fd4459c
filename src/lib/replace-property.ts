/**
 * Installs `descriptor` as the own property `name` of `owner` and returns the function that puts
 * back what was there (the own descriptor, or nothing when the property was inherited), but only
 * while `isOurs` says ours is still installed: a script that replaced it since keeps its own, and
 * would lose it if we restored. Returns null when the property cannot be replaced.
 */
export function replaceProperty(
  owner: object,
  name: string,
  descriptor: PropertyDescriptor,
  isOurs: (installed: PropertyDescriptor) => boolean,
): (() => void) | null {
  const own = Object.getOwnPropertyDescriptor(owner, name);
  if (own && !own.configurable) return null;
  Object.defineProperty(owner, name, { configurable: true, enumerable: own ? own.enumerable : false, ...descriptor });
  return () => {
    const installed = Object.getOwnPropertyDescriptor(owner, name);
    if (!installed || !isOurs(installed)) return;
    if (own) Object.defineProperty(owner, name, own);
    else delete (owner as Record<string, unknown>)[name];
  };
}
