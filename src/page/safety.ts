import { createReporter } from '../report';

export interface Safety {
  /** Runs `fn`; an exception is reported once and swallowed, never thrown into the page. */
  run<R>(fn: () => R): R | undefined;
  /** `fn` wrapped with `run`, for listeners and timers. */
  wrap<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}

/** The SDK's internal errors go to the console once per part, with the part's name. */
export function createSafety(part: string): Safety {
  const reportError = createReporter(part);
  const run = <R>(fn: () => R): R | undefined => {
    try {
      return fn();
    } catch (error) {
      reportError(error);
      return undefined;
    }
  };
  return {
    run,
    wrap:
      (fn) =>
      (...args) => {
        run(() => fn(...args));
      },
  };
}
