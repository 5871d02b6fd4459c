export interface Safety {
  /** Runs `fn`; an exception is reported once and swallowed, never thrown into the page. */
  run<R>(fn: () => R): R | undefined;
  /** `fn` wrapped with `run`, for listeners and timers. */
  wrap<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}

/** The SDK's internal errors go to the console once per part, with the part's name. */
export function createSafety(part: string, warn: (message: string) => void = defaultWarn): Safety {
  let reported = false;
  const run = <R>(fn: () => R): R | undefined => {
    try {
      return fn();
    } catch (error) {
      if (!reported) {
        reported = true;
        warn(`[openstory] internal error in ${part} (reported once): ${String(error)}`);
      }
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

function defaultWarn(message: string): void {
  try {
    console.warn(message);
  } catch {
    // A page whose console is missing or throws still must not see our error.
  }
}
