import { fact, FACT, type DroppedFact, type FactEvent } from '../facts';

type DropReason = DroppedFact['reason'];

/**
 * Counts what the transport had to throw away until the next bundle is cut, which then carries
 * one `dropped` fact per reason: a cap never drops data silently.
 */
export interface DropTally {
  add(reason: DropReason, events: number, bytes: number): void;
  /** The facts for everything counted since the last call, and a fresh count. */
  takeFacts(now: number): FactEvent<'dropped'>[];
  readonly pending: boolean;
}

export function createDropTally(): DropTally {
  let counts = new Map<DropReason, { events: number; bytes: number }>();
  return {
    add(reason, events, bytes) {
      const count = counts.get(reason) ?? { events: 0, bytes: 0 };
      count.events += events;
      count.bytes += bytes;
      counts.set(reason, count);
    },
    takeFacts(now) {
      const facts = [...counts].map(([reason, count]) => fact(FACT.dropped, { reason, ...count }, now));
      counts = new Map();
      return facts;
    },
    get pending() {
      return counts.size > 0;
    },
  };
}
