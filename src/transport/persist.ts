import { clear, createStore, del, entries, get, promisifyRequest, set, type UseStore } from 'idb-keyval';
import type { Encoding } from './encode';

/** One unacknowledged bundle as saved in IndexedDB. */
export interface StoredBundle {
  host: string;
  orgId: string;
  pageId: string;
  seq: number;
  span: number;
  enc: Encoding;
  body: Uint8Array;
  events: number;
  savedAt: number;
}

export interface Persistence {
  /** Saves bundles in one transaction, committed at once. */
  save(records: Array<[string, StoredBundle]>): Promise<void>;
  load(key: string): Promise<StoredBundle | undefined>;
  remove(key: string): Promise<void>;
  /** Every saved bundle for this collector and org, oldest first. */
  loadAll(): Promise<Array<[string, StoredBundle]>>;
  saveRetryAt(at: number): Promise<void>;
  loadRetryAt(): Promise<number>;
  /** Deletes everything saved, after the writes already issued. */
  clear(): Promise<void>;
}

const DB_NAME = 'openstory';
const STORE_NAME = 'transport';
const BUNDLE_PREFIX = 'bundle:';

export const bundleKey = (pageId: string, seq: number): string => `${BUNDLE_PREFIX}${pageId}:${seq}`;

/**
 * IndexedDB through idb-keyval, or null where IndexedDB is missing. IndexedDB runs read-write
 * transactions on one store in the order they were created, so a clear() never races a save()
 * issued before it. The database opens at start, so a save issued while the page unloads creates
 * its transaction within the same task.
 */
export function openPersistence(host: string, orgId: string, win: Window): Persistence | null {
  if (!(win as Window & { indexedDB?: IDBFactory }).indexedDB) return null;
  let store: UseStore;
  try {
    store = createStore(DB_NAME, STORE_NAME);
  } catch {
    return null;
  }
  const retryKey = `retryAt:${host}`;
  const mine = (bundle: StoredBundle) => bundle.host === host && bundle.orgId === orgId;
  return {
    save: (records) =>
      store('readwrite', (objectStore) => {
        for (const [key, bundle] of records) objectStore.put(bundle, key);
        // Commit now rather than when the task ends: a page being closed may never get there.
        objectStore.transaction.commit?.();
        return promisifyRequest(objectStore.transaction);
      }),
    load: (key) => get<StoredBundle>(key, store),
    remove: (key) => del(key, store),
    async loadAll() {
      const all = await entries<string, StoredBundle>(store);
      return all
        .filter(([key, bundle]) => key.startsWith(BUNDLE_PREFIX) && mine(bundle))
        .sort(([, a], [, b]) => a.savedAt - b.savedAt || a.seq - b.seq);
    },
    saveRetryAt: (at) => set(retryKey, at, store),
    loadRetryAt: async () => (await get<number>(retryKey, store)) ?? 0,
    clear: () => clear(store),
  };
}
