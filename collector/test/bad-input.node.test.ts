import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { gzipJson, makeBundle, recordingStart, startTestCollector, type TestCollector } from './fixtures';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startTestCollector();
});
afterAll(() => collector?.dispose());

const nothingStored = async () => expect(await collector.storage.listSessions({ limit: 10 })).toEqual([]);

const cases: Array<[string, () => Promise<{ status: number; body: any }>, number, string]> = [
  ['malformed gzip', () => collector.post(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7])), 400, 'bad-gzip'],
  ['truncated gzip', () => collector.post(gzipJson(makeBundle()).subarray(0, 30)), 400, 'bad-gzip'],
  ['gzip claimed, plain bytes sent', () => collector.post('{"v":1}'), 400, 'bad-gzip'],
  // 64 MiB of zeros gzip to ~64 KiB: under the wire cap, far over the inflated cap.
  ['gzip bomb', () => collector.post(gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 })), 413, 'inflated-too-large'],
  ['oversize body', () => collector.post(Buffer.alloc(1024 * 1024 + 1, 0x20), 'v=1&enc=identity'), 413, 'too-large'],
  ['invalid JSON', () => collector.post(gzipSync('{"v":1,')), 400, 'bad-json'],
  ['JSON that is not an object', () => collector.post(gzipJson([1, 2, 3])), 400, 'bad-schema'],
  ['wrong protocol version', () => collector.send({ ...makeBundle(), v: 2 as 1 }), 400, 'bad-version'],
  ['wrong version parameter', () => collector.post(gzipJson(makeBundle()), 'v=7&enc=gzip'), 400, 'bad-version'],
  ['id with forbidden characters', () => collector.send(makeBundle({ userId: '../../etc/passwd' })), 400, 'bad-schema'],
  ['negative seq', () => collector.send(makeBundle({ seq: -1 })), 400, 'bad-schema'],
  ['event without timestamp', () => collector.send(makeBundle({ events: [{ type: 3, data: {} }] as any })), 400, 'bad-schema'],
  ['event of unknown type', () => collector.send(makeBundle({ events: [{ type: 99, data: {}, timestamp: 1 }] as any })), 400, 'bad-schema'],
  ['event nested deeper than any DOM', () => collector.post(gzipSync(`{"v":1,"orgId":"o-demo","userId":"u","sessionId":"s","pageId":"p","seq":1,"sentAt":1,"events":[{"type":3,"timestamp":1,"data":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}]}`)), 400, 'bad-schema'],
  ['seq 0 without page metadata', () => collector.send({ ...makeBundle(), page: undefined }), 400, 'missing-page'],
  ['page metadata with wrong types', () => collector.send(makeBundle({ page: { url: 42 } as any })), 400, 'bad-schema'],
  ['unknown org', () => collector.send(makeBundle({ orgId: 'o-nobody', events: recordingStart() as any })), 403, 'unknown-org'],
];

test.each(cases)('%s → documented 4xx, nothing stored', async (_name, send, status, error) => {
  const answer = await send();
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ ok: false, error });
  await nothingStored();
});

test('the collector keeps serving after the whole suite', async () => {
  expect(await collector.send(makeBundle({ events: recordingStart() as any }))).toMatchObject({ status: 200, body: { ok: true } });
  expect((await collector.storage.listSessions({ limit: 10 })).length).toBe(1);
});

test('export and admin API: missing or wrong API key → 401, nothing revealed', async () => {
  const missing = await fetch(`${collector.url}/api/v1/export/list?start=0`);
  expect(missing.status).toBe(401);
  // No Basic challenge: a browser would prompt, then attach the key to cross-site requests too.
  expect(missing.headers.get('www-authenticate')).toBeNull();
  const wrong = await fetch(`${collector.url}/api/v1/export/list?start=0`, { headers: { authorization: 'Basic ok_not-a-real-key-at-all' } });
  expect(wrong.status).toBe(401);
  expect(await wrong.json()).toMatchObject({ ok: false, error: 'unauthorized' });
  const deletion = await fetch(`${collector.url}/api/v1/users?userId=u-alice`, { method: 'DELETE', headers: { authorization: 'Basic nope', 'x-openstory-admin': '1' } });
  expect(deletion.status).toBe(401);
  expect((await collector.storage.listSessions({ limit: 10 })).length).toBe(1);
});
