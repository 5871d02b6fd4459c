/**
 * `run` wrapped so that an error of ours goes to `report` (a part's reporter from src/report.ts)
 * instead of being thrown into the page's event dispatch, API call or timer. The wrapper returns
 * what `run` returns, or undefined when it threw.
 */
export function guard<A extends unknown[], R>(report: (error: unknown) => void, run: (...args: A) => R): (...args: A) => R | undefined {
  return (...args: A) => {
    try {
      return run(...args);
    } catch (error) {
      report(error);
      return undefined;
    }
  };
}
