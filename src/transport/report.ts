import { guard } from '../lib/guard';
import { createReporter as createInternalReporter } from '../report';

const LOG_PREFIX = '[openstory]';

/** How the transport tells the site's developer what went wrong without ever throwing into the page. */
export interface Reporter {
  /** Warns once per kind: a transport failing the same way all session must not flood the console. */
  once(kind: string, message: string, detail?: unknown): void;
  /** An internal error of ours: reported once for the transport (src/report.ts), never rethrown. */
  error(error: unknown): void;
  /** `fn` with any exception reported through `error` (src/lib/guard.ts). */
  guard<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R | undefined;
}

export function createReporter(): Reporter {
  const reported = new Set<string>();
  const error = createInternalReporter('transport');
  return {
    once: (kind, message, detail) => {
      if (reported.has(kind)) return;
      reported.add(kind);
      console.warn(`${LOG_PREFIX} ${message}`, ...(detail === undefined ? [] : [detail]));
    },
    error,
    guard: (fn) => guard(error, fn),
  };
}
