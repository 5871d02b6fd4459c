import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import type { eventWithTime } from 'openstory/vocabulary';
import { extractFacts } from '../facts';

/**
 * A bundle's validated events as storage keeps them: their JSON array text, deflated once where
 * they were validated (a decode worker), so the main thread never parses or serializes them again.
 * What ingest derives from the events is carried beside the blob.
 */
export interface EncodedEvents {
  /** The JSON array text of the validated events, raw deflate. */
  deflated: Uint8Array;
  count: number;
  /** Characters of the JSON text: the unit of the per-session byte cap. */
  chars: number;
  /** Each event's timestamp, in order: derive's activity bounds and the clock window read them. */
  timestamps: number[];
}

/**
 * Level 1: the bench's bundles (collector/bench/collector.ts) still shrink 7.5x (8.4 KB of JSON →
 * 1.1 KB; level 6: 1.0 KB) at half the CPU of the default level 6 (0.035 vs 0.068 ms a bundle,
 * measured here).
 */
const DEFLATE_OPTIONS = { level: constants.Z_BEST_SPEED };

export function encodeEvents(events: eventWithTime[]): EncodedEvents {
  const text = JSON.stringify(events);
  return { deflated: deflateRawSync(text, DEFLATE_OPTIONS), count: events.length, chars: text.length, timestamps: events.map((event) => event.timestamp) };
}

/** The JSON array text back, as the replay reads it. */
export const eventsText = (deflated: Uint8Array): string => inflateRawSync(deflated).toString('utf8');

/** The events moved by `shift` ms (a page's corrected clock, ingest/clock.ts): parsed, moved and encoded again. */
export function shiftEvents(deflated: Uint8Array, shift: number): EncodedEvents {
  const events = JSON.parse(eventsText(deflated)) as eventWithTime[];
  return encodeEvents(events.map((event) => ({ ...event, timestamp: event.timestamp + shift })));
}

/** A batch's events and facts from parsed events, as a decode worker makes them (benches and tests build batches so too). */
export const storedEvents = (events: eventWithTime[]) => ({ events: encodeEvents(events), facts: extractFacts(events) });
