import { clear, createStore, get, promisifyRequest, set, type UseStore } from 'idb-keyval';
import type { Encoding } from './encode';

/** A saved bundle without its body. */
export interface BundleDescription {
  host: string;
  orgId: string;
  pageId: string;
  seq: number;
  span: number;
  enc: Encoding;
  events: number;
  savedAt: number;
}

/** One unacknowledged bundle as saved in IndexedDB (and handed off through localStorage). */
export interface StoredBundle extends BundleDescription {
  body: Uint8Array;
}

/** What start-up learns of a saved bundle: its description and the body's size, not the body. */
export interface SavedMeta extends BundleDescription {
  bytes: number;
}

export interface Persistence {
  /** Saves bundles in one transaction, committed at once. */
  save(records: Array<[string, StoredBundle]>): Promise<void>;
  /** The body, read when the bundle is about to be sent (undefined once another tab delivered it). */
  loadBody(key: string): Promise<Uint8Array | undefined>;
  remove(key: string): Promise<void>;
  /**
   * Every saved bundle for this collector and org, oldest first, without reading bodies. A `meta:`
   * record whose body an older SDK deleted is listed too: loadBody() then finds nothing, which
   * reads as delivered, and remove() deletes it.
   */
  loadAll(): Promise<Array<[string, SavedMeta]>>;
  saveRetryAt(at: number): Promise<void>;
  loadRetryAt(): Promise<number>;
  /** Deletes everything saved, after the writes already issued. */
  clear(): Promise<void>;
}

const DB_NAME = 'openstory';
const STORE_NAME = 'transport';
const BUNDLE_PREFIX = 'bundle:';
/**
 * `meta:<pageId>:<seq>` beside each `bundle:<pageId>:<seq>`, written in the same transaction: the
 * description and byte size, so start-up learns the queue without reading every body (up to the
 * 16 MiB storage cap). The `bundle:` record stays whole, so records saved before `meta:` existed
 * are still read (their body once, for its size).
 */
const META_PREFIX = 'meta:';

export const bundleKey = (pageId: string, seq: number): string => `${BUNDLE_PREFIX}${pageId}:${seq}`;
const metaKey = (key: string) => META_PREFIX + key.slice(BUNDLE_PREFIX.length);

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
  const mine = (bundle: BundleDescription) => bundle.host === host && bundle.orgId === orgId;
  /** Runs `write` in one read-write transaction, committed now rather than when the task ends: a page being closed may never get there. */
  const transact = (write: (objectStore: IDBObjectStore) => void) =>
    store('readwrite', (objectStore) => {
      write(objectStore);
      objectStore.transaction.commit?.();
      return promisifyRequest(objectStore.transaction);
    });
  return {
    save: (records) =>
      transact((objectStore) => {
        for (const [key, bundle] of records) {
          const { body, ...description } = bundle;
          objectStore.put(bundle, key);
          objectStore.put({ ...description, bytes: body.byteLength } satisfies SavedMeta, metaKey(key));
        }
      }),
    loadBody: async (key) => (await get<StoredBundle>(key, store))?.body,
    remove: (key) =>
      transact((objectStore) => {
        objectStore.delete(key);
        objectStore.delete(metaKey(key));
      }),
    async loadAll() {
      const [keys, metas] = await store('readonly', (objectStore) =>
        Promise.all([
          promisifyRequest(objectStore.getAllKeys()),
          promisifyRequest(objectStore.getAll(IDBKeyRange.bound(META_PREFIX, `${META_PREFIX}\uffff`)) as IDBRequest<SavedMeta[]>),
        ]),
      );
      const found = new Map(metas.map((meta) => [bundleKey(meta.pageId, meta.seq), meta]));
      // Saved before meta: records existed: the body is read, once, for its size.
      const legacy = keys.filter((key): key is string => typeof key === 'string' && key.startsWith(BUNDLE_PREFIX) && !found.has(key));
      (await Promise.all(legacy.map((key) => get<StoredBundle>(key, store)))).forEach((bundle, index) => {
        if (!bundle) return;
        const { body, ...description } = bundle;
        found.set(legacy[index], { ...description, bytes: body.byteLength });
      });
      return [...found]
        .filter(([, meta]) => mine(meta))
        .sort(([, a], [, b]) => a.savedAt - b.savedAt || a.seq - b.seq);
    },
    saveRetryAt: (at) => set(retryKey, at, store),
    loadRetryAt: async () => (await get<number>(retryKey, store)) ?? 0,
    clear: () => clear(store),
  };
}
