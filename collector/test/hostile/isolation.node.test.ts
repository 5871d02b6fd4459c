import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { deriveChanges } from '../../src/ingest/derive';
import { openSqliteStorage } from '../../src/storage/sqlite';
import type { eventWithTime } from 'openstory/vocabulary';
import { storedEvents } from '../../src/ingest/encode';
import { makeBundle, recordingStart, sessionEvents, startTestCollector, T0, TEST_NOW, type TestCollector } from '../fixtures';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector();
});
afterAll(() => collector?.dispose());

/** Valid in `data`, but nested 100,000 deep in a field outside it: JSON.stringify overflows the stack on it. */
const poison = (index: number) =>
  gzipSync(`{"v":1,"orgId":"o-demo","userId":"u-mallory","sessionId":"s-1","pageId":"p-poison-${index}","seq":1,"sentAt":${TEST_NOW},
    "events":[{"type":3,"timestamp":${T0},"data":{},"extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`);

test('a bundle deep-nested outside data cannot fail the group commit of the legitimate bundles sent with it', async () => {
  const legit = Array.from({ length: 20 }, (_, index) =>
    collector.send(makeBundle({ userId: `u-${index}`, pageId: `p-${index}`, events: recordingStart() as any })));
  const attacks = Array.from({ length: 10 }, (_, index) => collector.post(poison(index)));
  const answers = await Promise.all([...legit, ...attacks]);
  expect(answers.slice(0, 20).map((answer) => answer.status)).toEqual(Array(20).fill(200));
  expect(answers.every((answer) => answer.status < 500)).toBe(true);
  // The unknown field is not stored: the replay reads only rrweb's fields.
  const stored = await sessionEvents(collector.storage, 'o-demo', 'u-mallory', 's-1');
  for (const event of stored) expect(Object.keys(event).sort()).toEqual(['data', 'timestamp', 'type']);
});

test('events are rebuilt from known fields and bounded in values, not only in depth', async () => {
  // Zeros compress past the inflation ratio; that bound is lifted here to reach the value count.
  const lenient = await startTestCollector({ limits: { maxInflationRatio: 10_000 } });
  try {
    const wide = { type: 3, timestamp: T0, data: { list: Array.from({ length: 600_000 }, () => 0) } };
    const answer = await lenient.send(makeBundle({ pageId: 'p-wide', seq: 1, events: [wide] as any }));
    expect(answer).toMatchObject({ status: 400, body: { error: 'bad-schema' } });
  } finally {
    await lenient.dispose();
  }
});

test('storage: one bundle of a commit group that fails anyway gets the error alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openstory-isolation-'));
  const storage = openSqliteStorage(dir);
  try {
    const batch = (pageId: string) =>
      deriveChanges({ orgId: 'o-demo', userId: 'u-a', sessionId: 's-1', pageId, seq: 1, receivedAt: T0, ...storedEvents(recordingStart() as eventWithTime[]) });
    // A fact payload that cannot be serialized: the write of this bundle throws inside the group's transaction.
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const bad = batch('p-bad');
    bad.facts = [{ pageId: 'p-bad', seq: 1, index: 0, timestamp: T0, tag: 'custom', payload: circular, pageUrl: null, numInfos: null, numWarnings: null, numErrors: null, row: true }];
    const results = await Promise.allSettled([storage.ingest(batch('p-1')), storage.ingest(bad), storage.ingest(batch('p-2'))]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await sessionEvents(storage, 'o-demo', 'u-a', 's-1')).toHaveLength(4);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
