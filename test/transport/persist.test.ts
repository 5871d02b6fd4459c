import 'fake-indexeddb/auto';
import { createStore, set } from 'idb-keyval';
import { afterEach, expect, test, vi } from 'vitest';
import { bundleKey, openPersistence, type StoredBundle } from '../../src/transport/persist';

const bundle = (seq: number, bytes: number, savedAt: number, host = 'collector.test'): StoredBundle => ({
  host, orgId: 'o-1', pageId: 'p-1', seq, span: 4096, enc: 'gzip', body: new Uint8Array(bytes).fill(7), events: 2, savedAt,
});

afterEach(async () => {
  await openPersistence('collector.test', 'o-1', window)!.clear();
  vi.restoreAllMocks();
});

test('start-up lists saved bundles with their sizes without reading a body; a record saved before meta: existed is read for its size', async () => {
  const persistence = openPersistence('collector.test', 'o-1', window)!;
  await persistence.save([
    [bundleKey('p-1', 4096), bundle(4096, 300, 2)],
    [bundleKey('p-1', 0), bundle(0, 100, 1)],
    [bundleKey('p-9', 0), { ...bundle(0, 50, 1, 'other.test'), pageId: 'p-9' }],
  ]);
  // The record format of earlier versions: the whole bundle under its key, no meta: record.
  await set(bundleKey('p-1', 8192), bundle(8192, 200, 3), createStore('openstory', 'transport'));
  const get = vi.spyOn(IDBObjectStore.prototype, 'get');
  const getAll = vi.spyOn(IDBObjectStore.prototype, 'getAll');

  const all = await persistence.loadAll();

  expect(all.map(([key, meta]) => [key, meta.bytes, meta.seq])).toEqual([
    ['bundle:p-1:0', 100, 0],
    ['bundle:p-1:4096', 300, 4096],
    ['bundle:p-1:8192', 200, 8192],
  ]);
  expect(all.every(([, meta]) => !('body' in meta))).toBe(true);
  expect(get.mock.calls.map(([key]) => key)).toEqual(['bundle:p-1:8192']);
  expect(getAll.mock.calls.every(([query]) => query instanceof IDBKeyRange)).toBe(true);
  // Bodies are read when their turn comes (compared as arrays: IndexedDB clones into another realm here).
  expect([...(await persistence.loadBody(bundleKey('p-1', 4096)))!]).toEqual(Array(300).fill(7));
});

test('remove() deletes the body and its meta: record, so the bundle is not listed again', async () => {
  const persistence = openPersistence('collector.test', 'o-1', window)!;
  await persistence.save([[bundleKey('p-1', 0), bundle(0, 10, 1)]]);
  await persistence.remove(bundleKey('p-1', 0));
  expect(await persistence.loadAll()).toEqual([]);
  expect(await persistence.loadBody(bundleKey('p-1', 0))).toBeUndefined();
});
