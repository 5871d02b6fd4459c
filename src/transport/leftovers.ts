import { pendingFromHandoff, pendingFromSaved, type Pending } from './pending';
import type { TransportParts } from './parts';
import type { BundleStorage } from './storage';

export interface Leftovers {
  /** Settles once the first adoption is over (it never rejects). */
  ready: Promise<void>;
  /** The second adoption, once, after the first acknowledgement. */
  again(): Promise<void>;
}

/**
 * Adopts what earlier pages of this site left unacknowledged: bundles saved in IndexedDB (their
 * descriptions only; bodies are read when their turn comes) and bundles a closing page handed off
 * through localStorage (those are saved in IndexedDB now). Runs at start and once more after the
 * first acknowledgement, because a page loaded right after another tab closed can read IndexedDB
 * before that tab's last writes have landed.
 */
export function adoptLeftovers({ persistence, handoff, queue, report }: TransportParts, storage: BundleStorage): Leftovers {
  async function adopt() {
    const saved = persistence
      ? await persistence.loadAll().catch((error) => {
          report.once('storage-read', 'could not read saved bundles from IndexedDB', error);
          return [];
        })
      : [];
    const inQueue = new Map(queue.all().map((entry) => [entry.key, entry]));
    const inIndexedDb = new Set(saved.map(([key]) => key));
    const adopted: Array<[Pending, number]> = [];
    for (const [key, meta] of saved) {
      if (inQueue.has(key)) continue;
      const entry = pendingFromSaved(key, meta);
      storage.countAdopted(entry);
      adopted.push([entry, meta.savedAt]);
    }
    const handedOver: Pending[] = [];
    for (const [key, bundle] of handoff?.readAll() ?? []) {
      const queued = inQueue.get(key);
      // IndexedDB holds it too (the closing tab's write landed after all): one copy is enough.
      if (inIndexedDb.has(key) || queued?.residency.kind === 'saved') handoff?.remove(key);
      if (inIndexedDb.has(key) || queued) continue;
      const entry = pendingFromHandoff(key, bundle);
      handedOver.push(entry);
      adopted.push([entry, bundle.savedAt]);
    }
    adopted.sort(([a, aSavedAt], [b, bSavedAt]) => aSavedAt - bSavedAt || a.range.seq - b.range.seq);
    queue.adopt(adopted.map(([entry]) => entry));
    storage.save(handedOver);
  }

  const ready = adopt().catch(report.error);
  let adoptedAgain = false;
  return {
    ready,
    again() {
      if (adoptedAgain) return Promise.resolve();
      adoptedAgain = true;
      // After the first adoption: a swan song's answer can come before it is over.
      return ready.then(adopt).catch(report.error);
    },
  };
}
