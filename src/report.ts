import { createWarner } from './lib/warn-once';

/**
 * Reports a part's first internal error to the console and keeps quiet about later ones, so a
 * fault in a listener that fires on every mutation or mouse move cannot flood the page's console.
 * The error goes as its own argument so a developer can expand its stack.
 */
export function createReporter(part: string): (error: unknown) => void {
  const warn = createWarner();
  return (error) => warn(part, `internal error in ${part} (reported once; capture carries on without it)`, error);
}
