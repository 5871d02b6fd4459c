import { availableParallelism } from 'node:os';
import { MAX_BUNDLE_BYTES, MAX_INFLATED_BYTES } from 'openstory/vocabulary';

/** Every bound ingest applies to one request, one client or one session (docs/collector.md, limits and defences). */
export interface IngestLimits {
  /** Body on the wire (docs/protocol.md). */
  maxBodyBytes: number;
  /** Decompressed body (docs/protocol.md). */
  maxInflatedBytes: number;
  /** Decompressed size over compressed size, above `inflationRatioFloorBytes`. */
  maxInflationRatio: number;
  inflationRatioFloorBytes: number;
  /** Bodies decoded at once (one per decode worker, ingest/lanes.ts), and their worst-case inflated bytes together. */
  decodeConcurrency: number;
  decodeBudgetBytes: number;
  /** Requests waiting for the decode gate before the next ones get 503. */
  decodeMaxWaiting: number;
  /** V8 heap of one decode worker: a body that needs more kills only its worker, and its request gets 503. */
  decodeWorkerHeapMiB: number;
  /** Decompressed bytes one client address may make the collector decode per minute. */
  inflatedBytesPerClientPerMinute: number;
  /** Per session: stored bundles and stored event JSON characters. */
  sessionBundles: number;
  sessionBytes: number;
}

const MIB = 1024 * 1024;

export const INGEST_LIMITS: IngestLimits = {
  maxBodyBytes: MAX_BUNDLE_BYTES,
  maxInflatedBytes: MAX_INFLATED_BYTES,
  // rrweb's JSON gzips 5–20x (the bench's realistic bundles: 9x); a DOM of repeated rows reaches
  // ~50x. A body of zeros or of one repeated string reaches 1000x: that is the gzip bomb.
  maxInflationRatio: 100,
  // Small bodies (a swan-song piece, a bundle of identical mouse moves) may compress further; 1 MiB
  // of inflation costs ~10 ms of parsing, too little to attack with.
  inflationRatioFloorBytes: MIB,
  // One worker per core: decoding is CPU-bound, more at once only adds memory. At least two, so
  // the small and the large lane (ingest/lanes.ts) each have one.
  decodeConcurrency: Math.max(2, availableParallelism()),
  // Four worst-case bodies (16 MiB each, parsed into a few times that).
  decodeBudgetBytes: 64 * MIB,
  // About one second of ordinary bundles (~1 ms each); beyond, the client's retry is cheaper than the wait.
  decodeMaxWaiting: 1000,
  // Parsed, a valid body holds about 10x its inflated size (measured here: 11.3 MiB of events of
  // small numbers, the densest in JS values, left 111 MiB of heap after decoding); 512 MiB is 3x
  // what a 16 MiB body needs.
  decodeWorkerHeapMiB: 512,
  // A recording page sends a few MiB per minute at most (a full snapshot of a large DOM is ~5 MiB);
  // an attacker's address gets two worst-case bodies a minute.
  inflatedBytesPerClientPerMinute: 32 * MIB,
  // A bundle every 5 s for 27 hours: longer than any session (the SDK ends one after 30 min idle).
  sessionBundles: 20_000,
  // The replay page reads a window of the session (viewer/client/feed.ts), but a client of the
  // unpaged events.json parses it as one JSON text: 128 MiB stays well under V8's 512 MiB string
  // limit (the "Invalid string length" of a 640 MiB session).
  sessionBytes: 128 * MIB,
};

/** The bounds a decode worker applies to one body's inflation. */
export type InflateLimits = Pick<IngestLimits, 'maxInflatedBytes' | 'maxInflationRatio' | 'inflationRatioFloorBytes'>;

/** Worst-case decoded bytes of a body of `wireBytes` (the gate's cost before it is read). */
export const maxInflatedFor = (wireBytes: number, limits: InflateLimits): number =>
  Math.min(limits.maxInflatedBytes, Math.max(limits.inflationRatioFloorBytes, wireBytes * limits.maxInflationRatio));
