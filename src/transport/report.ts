import { guard } from '../lib/guard';
import { createWarner, type Warn } from '../lib/warn-once';
import { createReporter as createInternalReporter } from '../report';

/** How the transport tells the site's developer what went wrong without ever throwing into the page. */
export interface Reporter {
  /** Warns once per kind: a transport failing the same way all session must not flood the console. */
  once: Warn;
  /** An internal error of ours: reported once for the transport (src/report.ts), never rethrown. */
  error(error: unknown): void;
  /** `fn` with any exception reported through `error` (src/lib/guard.ts). */
  guard<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R | undefined;
}

export function createReporter(): Reporter {
  const error = createInternalReporter('transport');
  return {
    once: createWarner(),
    error,
    guard: (fn) => guard(error, fn),
  };
}
