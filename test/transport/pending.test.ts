import { expect, test } from 'vitest';
import {
  handOffWritten,
  handedOff,
  inIndexedDb,
  memoryBytesOf,
  pendingFrom,
  pendingFromHandoff,
  pendingFromSaved,
  release,
  saveFailed,
  saveLanded,
  setBody,
  startSave,
  type Residency,
} from '../../src/transport/pending';

const body = new Uint8Array([1, 2, 3]);
const envelope = { v: 1, orgId: 'o-1', userId: 'u-1', sessionId: 's-1', pageId: 'p-1', seq: 0, sentAt: 0 } as const;
const description = { host: 'h', orgId: 'o-1', pageId: 'p-1', seq: 8192, span: 4096, enc: 'gzip', events: 4, savedAt: 1 } as const;

test('a cut bundle weighs its source characters until encoded, then its body; nothing but memory holds it', () => {
  const entry = pendingFrom('bundle:p-1:0', { ...envelope }, ['{"a":1}', '{"b":22}'], { seq: 0, span: 4096 });
  expect(entry.residency.kind).toBe('encoding');
  expect(memoryBytesOf(entry)).toBe(15);
  setBody(entry, body, 'gzip');
  expect(entry.residency).toEqual({ kind: 'memory', body });
  expect([entry.enc, entry.bytes, memoryBytesOf(entry)]).toEqual(['gzip', 3, 3]);
  expect([inIndexedDb(entry), handedOff(entry)]).toEqual([false, false]);
});

test('a save lands in IndexedDB, then the memory cap may release the body; a failed save returns to memory', () => {
  const saving = startSave({ kind: 'memory', body });
  expect(saving).toEqual({ kind: 'saving', body, handedOff: false });
  expect(saveLanded(saving)).toEqual({ kind: 'saved', body });
  expect(release(saveLanded(saving))).toEqual({ kind: 'saved', body: null });
  expect(saveFailed(saving)).toEqual({ kind: 'memory', body });
});

test('a hand-off entry written during a save is remembered: a failed save leaves the bundle handed off', () => {
  const saving = handOffWritten(startSave({ kind: 'memory', body }));
  expect(saving).toEqual({ kind: 'saving', body, handedOff: true });
  expect(saveFailed(saving)).toEqual({ kind: 'handedOff', body });
  expect(startSave({ kind: 'handedOff', body })).toEqual(saving);
  expect(handOffWritten({ kind: 'memory', body })).toEqual({ kind: 'handedOff', body });
});

test('transitions leave a bundle that is gone, or in another state, as it is', () => {
  const gone: Residency = { kind: 'gone' };
  for (const transition of [startSave, saveLanded, saveFailed, handOffWritten, release]) expect(transition(gone)).toBe(gone);
  const saved: Residency = { kind: 'saved', body };
  expect([startSave(saved), saveFailed(saved), handOffWritten(saved)]).toEqual([saved, saved, saved]);
  expect(release({ kind: 'memory', body })).toEqual({ kind: 'memory', body });
});

test('adopted bundles: saved ones wait in IndexedDB with their recorded size, handed-off ones are in memory only', () => {
  const saved = pendingFromSaved('bundle:p-1:8192', { ...description, bytes: 900 });
  expect([saved.residency, saved.bytes, inIndexedDb(saved), memoryBytesOf(saved)]).toEqual([{ kind: 'saved', body: null }, 900, true, 0]);
  const handed = pendingFromHandoff('bundle:p-1:8192', { ...description, body });
  expect([handed.residency, handed.bytes, inIndexedDb(handed), handedOff(handed)]).toEqual([{ kind: 'handedOff', body }, 3, false, true]);
  expect(handed.range).toEqual({ seq: 8192, span: 4096 });
});
