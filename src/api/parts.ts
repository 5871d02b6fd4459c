import type { createPrivacy } from '../privacy';
import type { createMirror, record } from '../record';
import type { startHeuristics } from '../heuristics';
import type { startPage } from '../page';
import type { startTransport } from '../transport';

/*
 * The parts the session composes, with the entry points docs/architecture.md fixes. The session
 * takes them as a value (see defaults.ts) so tests can substitute a part.
 */
export interface Parts {
  record?: typeof record;
  createPrivacy?: typeof createPrivacy;
  createMirror?: typeof createMirror;
  startHeuristics?: typeof startHeuristics;
  startPage?: typeof startPage;
  startTransport?: typeof startTransport;
}

export type HeuristicsHandle = ReturnType<typeof startHeuristics>;
export type PageHandle = ReturnType<typeof startPage>;
export type TransportHandle = Pick<ReturnType<typeof startTransport>, 'push' | 'flush' | 'stop' | 'discard'>;
