import type { DroppedFact } from '../facts';
import {
  bodyOf,
  handedOff,
  handOffWritten,
  inIndexedDb,
  memoryBytesOf,
  release,
  saveFailed,
  saveLanded,
  startSave,
  type Pending,
} from './pending';
import type { TransportParts } from './parts';
import type { StoredBundle } from './persist';

/**
 * Where bundles live (memory, IndexedDB, the localStorage hand-off) and the two caps on it. Every
 * change of a bundle's residency outside encoding goes through here, so the storage count
 * follows IndexedDB and every copy is deleted when the bundle is forgotten.
 */
export interface BundleStorage {
  /** What caps.memoryBytes limits: buffered JSON characters plus bundle bodies held in memory. */
  memoryBytes(): number;
  /** What caps.storageBytes limits: encoded bytes of the bundles IndexedDB holds or is writing. */
  storageBytes(): number;
  /** Counts a bundle an earlier page saved, now adopted. */
  countAdopted(entry: Pending): void;
  /** Saves encoded bundles in one IndexedDB transaction; a bundle past the storage cap is dropped instead. */
  save(entries: readonly Pending[]): void;
  /** Writes bundles to the hand-off; returns those that did not fit. */
  handOff(entries: readonly Pending[]): Pending[];
  /** Releases bodies IndexedDB holds, newest first, then drops unsaved ones, until memory (plus `incoming`) fits. */
  enforceMemoryCap(incoming?: number): void;
  /** Removes the bundle from the queue and its copies from storage (`keepSaved`: a beacon may not arrive, the next page load re-sends it). */
  forget(entry: Pending, keepSaved?: boolean): void;
  /** Forgets the bundle and counts its events in the next `dropped` fact. */
  drop(entry: Pending, reason: DroppedFact['reason']): void;
  /** Forgets every bundle and empties both stores. */
  discard(): Promise<void>;
}

/** `onDrop`: a drop was counted, so the next cut carries the fact. */
export function createBundleStorage(parts: TransportParts, onDrop: () => void): BundleStorage {
  const { options, caps, persistence, handoff, queue, buffer, drops, report } = parts;
  let storageBytes = 0;

  const memoryBytes = () => queue.all().reduce((total, entry) => total + memoryBytesOf(entry), buffer.chars);

  function forget(entry: Pending, keepSaved = false) {
    queue.remove(entry);
    if (inIndexedDb(entry)) {
      if (!keepSaved) persistence?.remove(entry.key).catch(report.error);
      storageBytes -= entry.bytes;
    }
    if (handedOff(entry) && !keepSaved) handoff?.remove(entry.key);
    entry.residency = { kind: 'gone' };
  }

  function drop(entry: Pending, reason: DroppedFact['reason']) {
    // The dropped facts this bundle carried are counted again, to ride with the next bundle.
    for (const carried of entry.carriedDrops) drops.add(carried.reason, carried.events, carried.bytes);
    drops.add(reason, entry.events - entry.carriedDrops.length, entry.bytes || entry.sourceChars);
    forget(entry);
    onDrop();
  }

  function enforceMemoryCap(incoming = 0) {
    let excess = memoryBytes() + incoming - caps.memoryBytes;
    const newestFirst = [...queue.all()].reverse();
    for (const entry of newestFirst) {
      if (excess <= 0) return;
      const body = bodyOf(entry);
      if (body && entry.residency.kind === 'saved' && !entry.inFlight) {
        excess -= body.byteLength;
        entry.residency = release(entry.residency);
      }
    }
    for (const entry of newestFirst) {
      if (excess <= 0) return;
      const { kind } = entry.residency;
      if ((kind === 'memory' || kind === 'handedOff') && !entry.inFlight) {
        excess -= entry.bytes;
        drop(entry, 'memory-cap');
      }
    }
  }

  function stored(entry: Pending, savedAt: number): [string, StoredBundle] {
    const { key, pageId, range, enc, events } = entry;
    return [key, { host: options.host, orgId: options.orgId, pageId, seq: range.seq, span: range.span, enc: enc!, body: bodyOf(entry)!, events, savedAt }];
  }

  function save(entries: readonly Pending[]) {
    if (!persistence) return;
    const admitted = entries.filter((entry) => {
      if (storageBytes + entry.bytes > caps.storageBytes) {
        drop(entry, 'storage-cap');
        return false;
      }
      storageBytes += entry.bytes;
      entry.residency = startSave(entry.residency);
      return true;
    });
    if (admitted.length === 0) return;
    const savedAt = Date.now();
    persistence
      .save(admitted.map((entry) => stored(entry, savedAt)))
      .then(
        () => {
          for (const entry of admitted) {
            if (entry.residency.kind === 'gone') {
              persistence.remove(entry.key).catch(report.error);
              continue;
            }
            // IndexedDB holds it now: the hand-off entry is one copy too many.
            if (handedOff(entry)) handoff?.remove(entry.key);
            entry.residency = saveLanded(entry.residency);
          }
          enforceMemoryCap();
        },
        (error) => {
          for (const entry of admitted) {
            if (entry.residency.kind === 'gone') continue;
            storageBytes -= entry.bytes;
            entry.residency = saveFailed(entry.residency);
          }
          report.once('storage', 'could not save bundles in IndexedDB; they are kept in memory only', error);
        },
      )
      .catch(report.error);
  }

  function handOff(entries: readonly Pending[]): Pending[] {
    if (!handoff || entries.length === 0) return [...entries];
    const savedAt = Date.now();
    const left = new Set(handoff.write(entries.map((entry) => stored(entry, savedAt))).map(([key]) => key));
    for (const entry of entries) if (!left.has(entry.key)) entry.residency = handOffWritten(entry.residency);
    return entries.filter((entry) => left.has(entry.key));
  }

  return {
    memoryBytes,
    storageBytes: () => storageBytes,
    countAdopted(entry) {
      if (inIndexedDb(entry)) storageBytes += entry.bytes;
    },
    save,
    handOff,
    enforceMemoryCap,
    forget,
    drop,
    async discard() {
      for (const entry of queue.clear()) entry.residency = { kind: 'gone' };
      storageBytes = 0;
      // Each store on its own: a failing localStorage must not keep IndexedDB from being emptied.
      report.guard(() => handoff?.clear())();
      await persistence?.clear();
    },
  };
}
