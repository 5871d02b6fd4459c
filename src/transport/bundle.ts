import { PROTOCOL_VERSION, type BundleEnvelope, type PageMetadata } from '../protocol';
import type { TransportIdentity } from './options';

/**
 * Cut bundles take seq 0, 4096, 8192, …: each owns the numbers up to the next one, and the
 * pieces of a split take fresh numbers inside that range, so they keep their place in the
 * page's (seq, position) order without reusing a number (docs/protocol.md). 4096 leaves room for
 * eleven successive halvings and 524 288 bundles per page under the collector's 2^31 − 1.
 */
export const SEQ_STRIDE = 4096;

/**
 * The seq-0 bundle carries the page metadata the collector needs to create the page, so it is
 * kept small enough never to need a split: the page metadata plus at most this many characters
 * of events.
 */
export const FIRST_BUNDLE_EVENT_CHARS = 16 * 1024;

/** A block of sequence numbers: the bundle uses `seq`, its pieces may use seq + 1 … seq + span − 1. */
export interface SeqRange {
  seq: number;
  span: number;
}

export function envelopeFor(
  orgId: string,
  who: TransportIdentity,
  range: SeqRange,
  page: PageMetadata | undefined,
  now: number,
): BundleEnvelope {
  const envelope: BundleEnvelope = {
    v: PROTOCOL_VERSION,
    orgId,
    userId: who.userId,
    sessionId: who.sessionId,
    pageId: who.pageId,
    seq: range.seq,
    sentAt: now,
  };
  if (range.seq === 0 && page) envelope.page = page;
  return envelope;
}

/** The bundle's JSON text from its envelope and already-serialized events, without re-stringifying them. */
export function bundleText(envelope: BundleEnvelope, events: readonly string[]): string {
  const head = JSON.stringify(envelope);
  return `${head.slice(0, -1)},"events":[${events.join(',')}]}`;
}

/** Splits a range into `parts` ranges inside it (the original number is retired); null when it has too few numbers left. */
export function splitRange(range: SeqRange, parts: number): SeqRange[] | null {
  const available = range.span - 1;
  if (parts < 1 || available < parts) return null;
  const size = Math.floor(available / parts);
  return Array.from({ length: parts }, (_, index) => ({
    seq: range.seq + 1 + index * size,
    span: index === parts - 1 ? available - index * size : size,
  }));
}

/** Groups events, in order, into runs whose characters stay within `maxChars`; an event larger than that is a run of its own. */
export function packEvents(events: readonly string[], maxChars: number): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  let chars = 0;
  for (const event of events) {
    if (run.length > 0 && chars + event.length + 1 > maxChars) {
      runs.push(run);
      run = [];
      chars = 0;
    }
    run.push(event);
    chars += event.length + 1;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Halves a list of events by size (the 413 answer): two non-empty runs, or null for a single event. */
export function halves(events: readonly string[]): [string[], string[]] | null {
  if (events.length < 2) return null;
  const total = events.reduce((sum, event) => sum + event.length, 0);
  let middle = 1;
  let chars = events[0].length;
  while (middle < events.length - 1 && chars + events[middle].length <= total / 2) chars += events[middle++].length;
  return [events.slice(0, middle), events.slice(middle)];
}
