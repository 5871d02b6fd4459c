import type { DroppedFact } from '../facts';
import type { BundleEnvelope } from '../protocol';
import type { SeqRange } from './bundle';
import type { Encoding } from './encode';
import type { SavedMeta, StoredBundle } from './persist';

/** A bundle's envelope and serialized events, before its body is encoded. */
export interface BundleSource {
  envelope: BundleEnvelope;
  events: string[];
}

/**
 * Where a bundle's body lives. It decides what the memory and storage caps count, what a swan
 * song must still hand off, what the memory cap may release or drop, and what forgetting the
 * bundle must delete.
 */
export type Residency =
  /** Being gzipped: memory holds the source (counted in JSON characters). */
  | { kind: 'encoding'; source: BundleSource }
  /** Only this page's memory holds it (no IndexedDB, or its write failed). */
  | { kind: 'memory'; body: Uint8Array }
  /** Memory and a localStorage hand-off entry (handoff.ts) hold it; IndexedDB does not. */
  | { kind: 'handedOff'; body: Uint8Array }
  /** IndexedDB is writing it; `handedOff` while a hand-off entry exists too (what remains if the write fails). */
  | { kind: 'saving'; body: Uint8Array; handedOff: boolean }
  /** IndexedDB holds it; the body is null once the memory cap released it (read back when its turn comes). */
  | { kind: 'saved'; body: Uint8Array | null }
  /** Acknowledged, dropped, split or discarded: late async work ignores it. */
  | { kind: 'gone' };

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
  /** Null while encoding. */
  enc: Encoding | null;
  /** Encoded bytes; 0 while encoding. */
  bytes: number;
  residency: Residency;
  /** A request carrying it has not been answered yet. */
  inFlight: boolean;
  /** Its string references, set when this page cut it: acknowledged to the string table when the collector stores it. */
  refs?: string[];
}

export function pendingFrom(key: string, envelope: BundleEnvelope, events: string[], range: SeqRange): Pending {
  return {
    key,
    pageId: envelope.pageId,
    range,
    events: events.length,
    sourceChars: events.reduce((sum, event) => sum + event.length, 0),
    carriedDrops: [],
    enc: null,
    bytes: 0,
    residency: { kind: 'encoding', source: { envelope, events } },
    inFlight: false,
  };
}

/** A bundle an earlier page saved: its body stays in IndexedDB until its turn comes. */
export function pendingFromSaved(key: string, saved: SavedMeta): Pending {
  return {
    key,
    pageId: saved.pageId,
    range: { seq: saved.seq, span: saved.span },
    events: saved.events,
    carriedDrops: [],
    sourceChars: 0,
    enc: saved.enc,
    bytes: saved.bytes,
    residency: { kind: 'saved', body: null },
    inFlight: false,
  };
}

/** A bundle a closing page handed off through localStorage: its body is in memory, IndexedDB does not hold it yet. */
export function pendingFromHandoff(key: string, { body, ...description }: StoredBundle): Pending {
  return { ...pendingFromSaved(key, { ...description, bytes: body.byteLength }), residency: { kind: 'handedOff', body } };
}

/** The encoded body replaces the source; nothing but memory holds it yet. */
export function setBody(entry: Pending, body: Uint8Array, enc: Encoding): void {
  entry.residency = { kind: 'memory', body };
  entry.enc = enc;
  entry.bytes = body.byteLength;
}

export const bodyOf = ({ residency }: Pending): Uint8Array | null => ('body' in residency ? residency.body : null);

/** What the bundle weighs against caps.memoryBytes. */
export const memoryBytesOf = (entry: Pending): number =>
  entry.residency.kind === 'encoding' ? entry.sourceChars : (bodyOf(entry)?.byteLength ?? 0);

/** IndexedDB holds it or is writing it: what caps.storageBytes counts, and what forgetting it deletes there. */
export const inIndexedDb = ({ residency }: Pending): boolean => residency.kind === 'saving' || residency.kind === 'saved';

/** A localStorage hand-off entry holds it. */
export const handedOff = ({ residency }: Pending): boolean =>
  residency.kind === 'handedOff' || (residency.kind === 'saving' && residency.handedOff);

// Transitions. Each leaves any other state as it is: late async work may find the bundle gone.

/** IndexedDB starts writing a body that only memory, or memory and a hand-off entry, hold. */
export const startSave = (residency: Residency): Residency =>
  residency.kind === 'memory' || residency.kind === 'handedOff'
    ? { kind: 'saving', body: residency.body, handedOff: residency.kind === 'handedOff' }
    : residency;

/** The IndexedDB write landed (the caller deletes a hand-off entry, now one copy too many). */
export const saveLanded = (residency: Residency): Residency =>
  residency.kind === 'saving' ? { kind: 'saved', body: residency.body } : residency;

export const saveFailed = (residency: Residency): Residency =>
  residency.kind === 'saving' ? { kind: residency.handedOff ? 'handedOff' : 'memory', body: residency.body } : residency;

/** A hand-off entry was written for a body IndexedDB does not hold yet. */
export const handOffWritten = (residency: Residency): Residency =>
  residency.kind === 'memory'
    ? { kind: 'handedOff', body: residency.body }
    : residency.kind === 'saving'
      ? { ...residency, handedOff: true }
      : residency;

/** The memory cap lets go of a body IndexedDB holds. */
export const release = (residency: Residency): Residency =>
  residency.kind === 'saved' ? { kind: 'saved', body: null } : residency;
