import type { eventWithTime, mutationCallbackParam } from '@rrweb/types';
import { EventType, IncrementalSource } from '../lib/rrweb';

/**
 * Adds per Mutation event. A batch of 50,000 nodes as one event took the whole SDK's transport
 * 44 ms to JSON.stringify in one task (bench/storm.ts trace, measured here): about 0.9 µs an add,
 * so 5,000 adds cost about 4 ms, and the pacer sends the events of one batch a slice at a time.
 */
export const MAX_ADDS_PER_MUTATION = 5000;

/**
 * One batch's Mutation as rrweb events: several when it adds more than MAX_ADDS_PER_MUTATION
 * nodes. rrweb's Replayer applies a Mutation's removes, then its adds, then texts and attributes;
 * the removes go in the first event and the texts and attributes in the last, so applying the
 * events in turn is applying the one. Each add's parent and next sibling are added before it
 * (collectMutations), so cutting the adds in order leaves none waiting for a later event.
 */
export function mutationEvents(payload: mutationCallbackParam, timestamp: number): eventWithTime[] {
  const { adds } = payload;
  const events: eventWithTime[] = [];
  for (let from = 0; from === 0 || from < adds.length; from += MAX_ADDS_PER_MUTATION) {
    const last = from + MAX_ADDS_PER_MUTATION >= adds.length;
    const data = {
      source: IncrementalSource.Mutation,
      texts: last ? payload.texts : [],
      attributes: last ? payload.attributes : [],
      removes: from === 0 ? payload.removes : [],
      // The common batch is one event: its adds array as it is, no copy.
      adds: adds.length > MAX_ADDS_PER_MUTATION ? adds.slice(from, from + MAX_ADDS_PER_MUTATION) : adds,
    };
    events.push({ type: EventType.IncrementalSnapshot, data, timestamp } as eventWithTime);
  }
  return events;
}
