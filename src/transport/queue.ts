import type { BundleEnvelope } from '../protocol';
import { SEQ_STRIDE, type SeqRange } from './bundle';
import { pendingFrom, type Pending } from './pending';
import { bundleKey } from './persist';

/**
 * The bundles waiting for the collector, in sending order, and the sequence numbers they take.
 * The list is replaced, never changed in place, so a caller may iterate what `all()` returned
 * while bundles are added and removed.
 */
export interface Queue {
  all(): readonly Pending[];
  /** Queues a fresh bundle at the end, or in `before`'s place (the pieces of a split or a swan song). */
  enqueue(envelope: BundleEnvelope, events: string[], range: SeqRange, before?: Pending): Pending;
  /** Puts bundles earlier pages left in front of this page's own. */
  adopt(entries: readonly Pending[]): void;
  remove(entry: Pending): void;
  /** Empties the queue and returns what it held. */
  clear(): readonly Pending[];
  /** Whether a bundle of this page was cut yet (its first one, seq 0, carries the page). */
  hasCut(pageId: string): boolean;
  /** The range of the page's next cut bundle: 0, SEQ_STRIDE, 2·SEQ_STRIDE, … never one twice. */
  nextRange(pageId: string): SeqRange;
}

/** `nextSeq`: the next number to cut per page; never decreases. Shared when a page's capture restarts. */
export function createQueue(nextSeq = new Map<string, number>()): Queue {
  let entries: readonly Pending[] = [];
  return {
    all: () => entries,
    enqueue(envelope, events, range, before) {
      const entry = pendingFrom(bundleKey(envelope.pageId, range.seq), envelope, events, range);
      const at = before ? entries.indexOf(before) : -1;
      entries = at < 0 ? [...entries, entry] : [...entries.slice(0, at), entry, ...entries.slice(at)];
      return entry;
    },
    adopt(adopted) {
      entries = [...adopted, ...entries];
    },
    remove(entry) {
      entries = entries.filter((other) => other !== entry);
    },
    clear() {
      const all = entries;
      entries = [];
      return all;
    },
    hasCut: (pageId) => nextSeq.has(pageId),
    nextRange(pageId) {
      const seq = nextSeq.get(pageId) ?? 0;
      nextSeq.set(pageId, seq + SEQ_STRIDE);
      return { seq, span: SEQ_STRIDE };
    },
  };
}
