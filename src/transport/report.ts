const LOG_PREFIX = '[openstory]';

/** How the transport tells the site's developer what went wrong without ever throwing into the page. */
export interface Reporter {
  /** Warns once per kind: a transport failing the same way all session must not flood the console. */
  once(kind: string, message: string, detail?: unknown): void;
  error(error: unknown): void;
  /** `fn` with any exception reported and `fallback` returned instead. */
  guard<A extends unknown[], R>(fn: (...args: A) => R, fallback: R): (...args: A) => R;
}

export function createReporter(): Reporter {
  const reported = new Set<string>();
  const once = (kind: string, message: string, detail?: unknown) => {
    if (reported.has(kind)) return;
    reported.add(kind);
    console.warn(`${LOG_PREFIX} ${message}`, ...(detail === undefined ? [] : [detail]));
  };
  const error = (detail: unknown) => once('internal', 'transport error', detail);
  return {
    once,
    error,
    guard:
      (fn, fallback) =>
      (...args) => {
        try {
          return fn(...args);
        } catch (caught) {
          error(caught);
          return fallback;
        }
      },
  };
}
