import { afterEach, expect, test } from 'vitest';
import { makeBundle, recordingStart, sessionEvents, startTestCollector, type TestCollector } from '../fixtures';

let collector: TestCollector;
afterEach(() => collector?.dispose());

test('a bundle reusing another session\'s pageId is refused and never lands in that replay', async () => {
  collector = await startTestCollector();
  expect((await collector.send(makeBundle({ events: recordingStart('Alice page') as any }))).status).toBe(200);
  for (const other of [{ userId: 'u-mallory' }, { sessionId: 's-2' }]) {
    const answer = await collector.send(makeBundle({ ...other, seq: 1, events: recordingStart('Injected') as any }));
    expect(answer).toMatchObject({ status: 409, body: { error: 'page-owned-elsewhere' } });
  }
  expect(JSON.stringify(await sessionEvents(collector.storage, 'o-demo', 'u-alice', 's-1'))).not.toContain('Injected');
});

test('two sessions racing for one new pageId: one wins, the other is refused', async () => {
  collector = await startTestCollector();
  const answers = await Promise.all(
    ['u-a', 'u-b', 'u-c', 'u-d'].map((userId) => collector.send(makeBundle({ userId, pageId: 'p-race', events: recordingStart(userId) as any }))),
  );
  expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409]);
});
