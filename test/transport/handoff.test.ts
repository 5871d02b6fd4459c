import 'fake-indexeddb/auto';
import { afterEach, expect, test } from 'vitest';
import { HANDOFF_MAX_AGE_MS, HANDOFF_MAX_CHARS, openHandoff } from '../../src/transport/handoff';
import type { StoredBundle } from '../../src/transport/persist';

afterEach(() => localStorage.clear());

const bundle = (seq: number, body: Uint8Array, host = 'collector.test', savedAt = Date.now()): StoredBundle => ({
  host, orgId: 'o-1', pageId: 'p-1', seq, span: 1, enc: 'gzip', body, events: 3, savedAt,
});

test('bundles round-trip byte for byte, every byte value included', () => {
  const handoff = openHandoff('collector.test', 'o-1', window)!;
  const everyByte = Uint8Array.from({ length: 512 }, (_, index) => index % 256);
  const written = bundle(0, everyByte);
  expect(handoff.write([['bundle:p-1:0', written]])).toEqual([]);
  const [[key, read]] = handoff.readAll();
  expect(key).toBe('bundle:p-1:0');
  expect(read).toEqual(written);
});

test('only this collector and org is read; remove and clear delete entries', () => {
  openHandoff('other.test', 'o-1', window)!.write([['bundle:p-9:0', bundle(0, new Uint8Array([1]), 'other.test')]]);
  const handoff = openHandoff('collector.test', 'o-1', window)!;
  handoff.write([
    ['bundle:p-1:0', bundle(0, new Uint8Array([1]))],
    ['bundle:p-1:16', bundle(16, new Uint8Array([2]))],
  ]);
  expect(handoff.readAll().map(([key]) => key).sort()).toEqual(['bundle:p-1:0', 'bundle:p-1:16']);
  handoff.remove('bundle:p-1:0');
  expect(handoff.readAll().map(([key]) => key)).toEqual(['bundle:p-1:16']);
  handoff.clear();
  expect(Object.keys(localStorage)).toEqual([]);
});

test('damaged entries and entries past their age are deleted, whatever collector they were for', () => {
  localStorage.setItem('openstory:handoff:bundle:p-1:0', 'not an entry');
  openHandoff('other.test', 'o-1', window)!.write([
    ['bundle:p-8:0', bundle(0, new Uint8Array([1]), 'other.test', Date.now() - HANDOFF_MAX_AGE_MS - 1)],
    ['bundle:p-9:0', bundle(0, new Uint8Array([1]), 'other.test')],
  ]);
  const handoff = openHandoff('collector.test', 'o-1', window)!;
  handoff.write([['bundle:p-1:16', bundle(16, new Uint8Array([2]))]]);
  expect(handoff.readAll().map(([key]) => key)).toEqual(['bundle:p-1:16']);
  expect(Object.keys(localStorage).sort()).toEqual(['openstory:handoff:bundle:p-1:16', 'openstory:handoff:bundle:p-9:0']);
});

test('past the cap, or when the quota is full, the rest is returned in order for IndexedDB', () => {
  const handoff = openHandoff('collector.test', 'o-1', window)!;
  const quarter = new Uint8Array(HANDOFF_MAX_CHARS / 4).fill(65);
  const bundles: Array<[string, StoredBundle]> = [0, 16, 32, 48, 64].map((seq) => [`bundle:p-1:${seq}`, bundle(seq, quarter)]);
  const left = handoff.write(bundles);
  expect(left.map(([key]) => key)).toEqual(['bundle:p-1:48', 'bundle:p-1:64']);
  expect(handoff.readAll()).toHaveLength(3);

  const original = Storage.prototype.setItem;
  Storage.prototype.setItem = () => {
    throw new DOMException('full', 'QuotaExceededError');
  };
  try {
    expect(handoff.write([['bundle:p-2:0', bundle(0, new Uint8Array([1]))]])).toHaveLength(1);
  } finally {
    Storage.prototype.setItem = original;
  }
});

test('where localStorage is blocked there is no hand-off', () => {
  const blocked = {} as Window;
  Object.defineProperty(blocked, 'localStorage', { get: () => { throw new DOMException('denied', 'SecurityError'); } });
  expect(openHandoff('collector.test', 'o-1', blocked)).toBeNull();
});
