import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { factAt, makeBundle, recordingStart, startTestCollector, T0, type TestCollector } from '../fixtures';

let collector: TestCollector;
afterEach(() => collector?.dispose());

const EMAIL = 'deleted-person@example.com';
const filesContain = (dir: string, text: string) =>
  readdirSync(dir).filter((file) => file.startsWith('openstory.sqlite')).some((file) => readFileSync(join(dir, file)).includes(text));
const admin = { method: 'DELETE', headers: { 'x-openstory-admin': '1' } };

async function recordUser(c: TestCollector, bundles: number) {
  const identity = [factAt('userVars', { UserEmail: EMAIL, vars: {} }, T0 + 5), factAt('click', { EventTargetText: 'b', EventTargetSelectorTok: 'b', EventModFrustrated: 0, EventModDead: 0, EventModError: 0 }, T0 + 6)];
  for (let seq = 0; seq < bundles; seq++) {
    expect((await c.send(makeBundle({ userId: 'u-gone', seq, events: (seq === 0 ? [...recordingStart(), ...identity] : recordingStart()) as any }))).status).toBe(200);
  }
}

test('deleting a user while an export is read neither blocks ingest nor answers before the data is gone, or says so', async () => {
  collector = await startTestCollector();
  await recordUser(collector, 200);
  // An export in progress: its read snapshot keeps the WAL from being emptied.
  const reading = collector.storage.exportRecords('o-demo', 0, T0 + 10_000)[Symbol.asyncIterator]();
  await reading.next();

  const started = Date.now();
  const deletion = collector.api('/api/v1/users?userId=u-gone', admin);
  const ingestStarted = Date.now();
  expect((await collector.send(makeBundle({ userId: 'u-other', pageId: 'p-other', events: recordingStart() as any }))).status).toBe(200);
  const ingestMs = Date.now() - ingestStarted;
  const answer = await deletion;
  const deletionMs = Date.now() - started;
  expect(answer.status).toBe(200);
  const { deleted } = await answer.json();
  expect(deleted).toMatchObject({ users: 1, bundles: 200, purged: false });
  expect(ingestMs).toBeLessThan(500);
  expect(deletionMs).toBeLessThan(2500);

  // Once the export ends, the background checkpoint empties the WAL within a few retries.
  await reading.return?.();
  await expect.poll(() => filesContain(collector.dataDir, EMAIL), { timeout: 2000, interval: 50 }).toBe(false);
});

test('without readers, the deletion answers with the data already gone from the file and its WAL', async () => {
  collector = await startTestCollector();
  await recordUser(collector, 3);
  expect(filesContain(collector.dataDir, EMAIL)).toBe(true);
  const answer = await collector.api('/api/v1/users?userId=u-gone', admin);
  expect((await answer.json()).deleted).toMatchObject({ purged: true });
  expect(filesContain(collector.dataDir, EMAIL)).toBe(false);
});
