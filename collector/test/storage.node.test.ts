import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { openSqliteStorage } from '../src/storage/sqlite';
import { createGroupCommit } from '../src/storage/group-commit';
import type { IngestBatch } from '../src/storage/types';
import { recordingStart, T0 } from './fixtures';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'openstory-storage-'));
  dirs.push(dir);
  return dir;
};

const batch = (pageId: string, seq = 1): IngestBatch => ({
  orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pageId, seq, receivedAt: T0 + 1000,
  events: recordingStart() as IngestBatch['events'], facts: [],
});

test('close() commits and answers the batches accepted before it, then refuses new ones', async () => {
  const dir = dataDir();
  const storage = openSqliteStorage(dir);
  // Not awaited: both batches still wait for their group commit when close() is called.
  const pending = [storage.ingest(batch('p-1')), storage.ingest(batch('p-2'))];
  await storage.close();
  expect(await Promise.all(pending)).toEqual([{ duplicate: false }, { duplicate: false }]);
  await expect(storage.ingest(batch('p-3'))).rejects.toThrow(/storage is closed/);

  const reopened = openSqliteStorage(dir);
  const [session] = await reopened.listSessions({ limit: 10 });
  expect(session).toMatchObject({ pages: 2, events: 4 });
  expect(JSON.parse(await reopened.sessionEventsJson('o-demo', 'u-alice', 's-1'))).toHaveLength(4);
  await reopened.close();
});

test('group commit: items submitted together share one write, each promise gets its own result', async () => {
  const writes: number[][] = [];
  const commits = createGroupCommit((items: number[]) => {
    writes.push(items);
    return items.map((item) => item * 10);
  }, 2);
  expect(await Promise.all([commits.submit(1), commits.submit(2), commits.submit(3)])).toEqual([10, 20, 30]);
  expect(await commits.submit(4)).toBe(40);
  expect(writes).toEqual([[1, 2, 3], [4]]);
});

test('group commit: a failed write rejects every item of its group, the next group is written', async () => {
  let fail = true;
  const commits = createGroupCommit((items: string[]) => {
    if (fail) throw new Error('disk full');
    return items;
  }, 2);
  const failed = [commits.submit('a'), commits.submit('b')].map((promise) => promise.catch((error: Error) => error.message));
  expect(await Promise.all(failed)).toEqual(['disk full', 'disk full']);
  fail = false;
  expect(await commits.submit('c')).toBe('c');
});

test('group commit: close() waits for an asynchronous write under way', async () => {
  let finish!: () => void;
  const written: string[] = [];
  const commits = createGroupCommit(async (items: string[]) => {
    await new Promise<void>((resolve) => (finish = resolve));
    written.push(...items);
    return items;
  }, 2);
  const pending = commits.submit('a');
  const closing = commits.close();
  let closed = false;
  void closing.then(() => (closed = true));
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(closed).toBe(false);
  finish();
  await closing;
  expect(written).toEqual(['a']);
  expect(await pending).toBe('a');
});
