import type { DroppedFact } from '../facts';
import type { BundleEnvelope } from '../protocol';
import { bundleText, packEvents, splitRange, type SeqRange } from './bundle';
import type { Encoding } from './encode';
import type { StoredBundle } from './persist';

/** A bundle from the moment it is cut until the collector acknowledges it or it is dropped. */
export interface Pending {
  key: string;
  pageId: string;
  range: SeqRange;
  events: number;
  /** The counts of the `dropped` facts among its events (re-counted if this bundle is dropped too). */
  carriedDrops: DroppedFact[];
  /** JSON characters of the source events (what they weigh in memory before encoding). */
  sourceChars: number;
  /** Envelope and serialized events, held only until the body is encoded. */
  source: { envelope: BundleEnvelope; events: string[] } | null;
  enc: Encoding | null;
  /** Null while encoding, and once only IndexedDB holds it (memory cap). */
  body: Uint8Array | null;
  bytes: number;
  saving: boolean;
  saved: boolean;
  /** Written to localStorage by a swan song (handoff.ts), until IndexedDB holds it or it is gone. */
  handedOff: boolean;
  inFlight: boolean;
  /** Acknowledged, dropped, split or discarded: late async work ignores it. */
  gone: boolean;
}

export function pendingFrom(key: string, envelope: BundleEnvelope, events: string[], range: SeqRange): Pending {
  return {
    key,
    pageId: envelope.pageId,
    range,
    events: events.length,
    sourceChars: events.reduce((sum, event) => sum + event.length, 0),
    carriedDrops: [],
    source: { envelope, events },
    enc: null,
    body: null,
    bytes: 0,
    saving: false,
    saved: false,
    handedOff: false,
    inFlight: false,
    gone: false,
  };
}

/** A bundle an earlier page saved: its body stays in IndexedDB until its turn comes. */
export function pendingFromSaved(key: string, saved: StoredBundle): Pending {
  return {
    key,
    pageId: saved.pageId,
    range: { seq: saved.seq, span: saved.span },
    events: saved.events,
    carriedDrops: [],
    sourceChars: 0,
    source: null,
    enc: saved.enc,
    body: null,
    bytes: saved.body.byteLength,
    saving: false,
    saved: true,
    handedOff: false,
    inFlight: false,
    gone: false,
  };
}

/** A bundle a closing page handed off through localStorage: its body is in memory, IndexedDB does not hold it yet. */
export function pendingFromHandoff(key: string, handedOff: StoredBundle): Pending {
  return { ...pendingFromSaved(key, handedOff), body: handedOff.body, saved: false, handedOff: true };
}

/** Characters a piece's envelope and JSON punctuation may take besides its events. */
const PIECE_ENVELOPE_ALLOWANCE = 512;

/**
 * Re-cuts serialized events into identity-encoded runs small enough for one keepalive request
 * each. A source that fits keeps its own range (its gzip body never left the page); otherwise
 * the runs take fresh numbers inside that range. Null when the range has too few numbers left.
 */
export function swanSongRuns(
  source: { envelope: BundleEnvelope; events: string[] },
  range: SeqRange,
  maxBytes: number,
  now: number,
): Array<{ envelope: BundleEnvelope; events: string[]; range: SeqRange; text: string }> | null {
  const fresh = { ...source.envelope, sentAt: now };
  const whole = bundleText(fresh, source.events);
  if (whole.length <= maxBytes) return [{ envelope: fresh, events: source.events, range, text: whole }];
  const envelopeChars = JSON.stringify(source.envelope).length;
  const runs = packEvents(source.events, Math.max(1, maxBytes - envelopeChars - PIECE_ENVELOPE_ALLOWANCE));
  const ranges = splitRange(range, runs.length);
  if (!ranges) return null;
  return runs.map((events, index) => {
    const envelope: BundleEnvelope = { ...source.envelope, seq: ranges[index].seq, sentAt: now };
    delete envelope.page;
    return { envelope, events, range: ranges[index], text: bundleText(envelope, events) };
  });
}
