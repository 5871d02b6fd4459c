import { deflateRawSync, gunzipSync, inflateRawSync, constants } from 'node:zlib';
import type { eventWithTime } from 'openstory/vocabulary';
import { extractFacts } from '../facts';
import { eventFields } from './validate';

/**
 * A bundle's validated events as storage keeps them, in one of two blobs that say which they are
 * by their first byte: the gzip body as received (a bundle sent gzipped, as the SDK sends them), or
 * the JSON array text of the validated events, raw deflate (a body sent uncompressed, a body
 * carrying string definitions, which the string table keeps instead, events moved by a clock
 * correction, and rows stored before the received bodies were kept). Either way nothing
 * is serialized or compressed again on the way in: the decode worker validated the events and the
 * blob is the body it read. What ingest derives from the events is carried beside the blob.
 */
export interface EncodedEvents {
  /** The received gzip body, or the validated events' JSON array text, raw deflate. */
  deflated: Uint8Array;
  count: number;
  /** Characters of the JSON text (of the whole inflated body, when that is the blob): the unit of the per-session byte cap. */
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

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Whether bytes start as gzip does. A raw deflate stream never starts with 0x1f: its first block
 * would have type 11, which RFC 1951 reserves; so a stored blob tells its format by itself.
 */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];

export function encodeEvents(events: eventWithTime[]): EncodedEvents {
  const text = JSON.stringify(events);
  return { deflated: deflateRawSync(text, DEFLATE_OPTIONS), count: events.length, chars: text.length, timestamps: events.map((event) => event.timestamp) };
}

/**
 * A gzip body whose bundle validated, kept as it came: `inflatedBytes` is its inflated size. The
 * stringify and deflate it saves were over a third of a decode worker's time per bundle (measured
 * here on collector/bench/bundles.ts's bundles: 0.064 of 0.18 ms); reading pays instead.
 */
export const receivedEvents = (body: Uint8Array, events: eventWithTime[], inflatedBytes: number): EncodedEvents => ({
  deflated: body, count: events.length, chars: inflatedBytes, timestamps: events.map((event) => event.timestamp),
});

/**
 * The JSON array text of the validated events, as the replay reads it. From a received body: its
 * events, each reduced to the fields validation keeps (validate.eventFields), as ingest validated
 * them; the body inflated without a cap, since ingest inflated it under one.
 */
export function eventsText(blob: Uint8Array): string {
  if (!isGzip(blob)) return inflateRawSync(blob).toString('utf8');
  const { events } = JSON.parse(gunzipSync(blob).toString('utf8')) as { events: Array<Record<string, unknown>> };
  return JSON.stringify(events.map(eventFields));
}

/** The events moved by `shift` ms (a page's corrected clock, ingest/clock.ts): parsed, moved and encoded again. */
export function shiftEvents(deflated: Uint8Array, shift: number): EncodedEvents {
  const events = JSON.parse(eventsText(deflated)) as eventWithTime[];
  return encodeEvents(events.map((event) => ({ ...event, timestamp: event.timestamp + shift })));
}

/** A batch's events and facts from parsed events, as a decode worker makes them (benches and tests build batches so too). */
export const storedEvents = (events: eventWithTime[]) => ({ events: encodeEvents(events), facts: extractFacts(events) });
