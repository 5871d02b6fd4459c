import { guard } from './guard';
import { createReporter } from '../report';

export interface Safety {
  /** Runs `fn`; an exception is reported once and swallowed, never thrown into the page. */
  run<R>(fn: () => R): R | undefined;
  /** `fn` wrapped with `run`, for listeners and timers. */
  wrap<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  /** The part's reporter, for hooks that guard themselves (patched globals). */
  report(error: unknown): void;
}

/** The SDK's internal errors go to the console once per part, with the part's name. */
export function createSafety(part: string): Safety {
  const report = createReporter(part);
  return {
    run: guard(report, (fn: () => unknown) => fn()) as Safety['run'],
    wrap: (fn) => guard(report, fn),
    report,
  };
}
