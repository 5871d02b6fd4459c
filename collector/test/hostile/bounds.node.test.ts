import { gzipSync } from 'node:zlib';
import { afterEach, expect, test } from 'vitest';
import { makeBundle, recordingStart, startTestCollector, T0, type TestCollector } from '../fixtures';

let collector: TestCollector;
afterEach(() => collector?.dispose());

const MIB = 1024 * 1024;
/** A valid bundle whose one string inflates to `bytes`: gzip shrinks it about 1000x. */
const inflating = (bytes: number, pageId = 'p-big') =>
  gzipSync(JSON.stringify(makeBundle({ pageId, seq: 1, events: [{ type: 5, timestamp: T0, data: { tag: 'x', payload: 'a'.repeat(bytes) } }] as any })));

test('a body inflating past 100x its size (and past 1 MiB) is refused before it is parsed', async () => {
  collector = await startTestCollector();
  const answer = await collector.post(inflating(8 * MIB));
  expect(answer).toMatchObject({ status: 413, body: { error: 'inflated-too-large' } });
});

test('a bundle with more events than the cap is refused', async () => {
  collector = await startTestCollector();
  const events = Array.from({ length: 20_001 }, (_, index) => ({ type: 3, timestamp: T0 + index, data: { source: 1 } }));
  expect(await collector.send(makeBundle({ seq: 1, events: events as any }))).toMatchObject({ status: 400, body: { error: 'bad-schema' } });
});

test('decoding is bounded: past the gate and its queue, bodies are refused with 503 and Retry-After', async () => {
  collector = await startTestCollector({ limits: { decodeConcurrency: 1, decodeMaxWaiting: 1, maxInflationRatio: 10_000 } });
  const answers = await Promise.all(Array.from({ length: 12 }, (_, index) => collector.post(inflating(4 * MIB, `p-${index}`))));
  const busy = answers.filter((answer) => answer.status === 503);
  expect(busy.length).toBeGreaterThan(0);
  expect(busy[0]).toMatchObject({ body: { error: 'busy' } });
  expect(busy[0].headers.get('retry-after')).toBe('1');
  // The body of a refused request is never read: the connection closes instead.
  expect(busy[0].headers.get('connection')).toBe('close');
  expect(answers.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true);
});

test('one client address gets a budget of decoded bytes per minute', async () => {
  collector = await startTestCollector({ limits: { inflatedBytesPerClientPerMinute: 2 * MIB, maxInflationRatio: 10_000 } });
  expect((await collector.post(inflating(3 * MIB, 'p-1'))).status).toBe(200);
  const refused = await collector.post(inflating(3 * MIB, 'p-2'));
  expect(refused).toMatchObject({ status: 429, body: { error: 'rate-limited' } });
  expect(refused.headers.get('connection')).toBe('close');
});

test('a session past its bundle or byte cap is refused with 409 session-full, the rest of it still replays', async () => {
  collector = await startTestCollector({ limits: { sessionBundles: 3 } });
  for (let seq = 0; seq < 3; seq++) expect((await collector.send(makeBundle({ seq, events: recordingStart() as any }))).status).toBe(200);
  expect(await collector.send(makeBundle({ seq: 3 }))).toMatchObject({ status: 409, body: { error: 'session-full' } });
  await collector.dispose();

  collector = await startTestCollector({ limits: { sessionBytes: 2000 } });
  expect((await collector.send(makeBundle({ events: recordingStart() as any }))).status).toBe(200);
  expect(await collector.send(makeBundle({ seq: 1, events: recordingStart('x'.repeat(2000)) as any }))).toMatchObject({ status: 409, body: { error: 'session-full' } });
  expect((await fetch(`${collector.url}/sessions/o-demo.u-alice.s-1/events.json`)).status).toBe(200);
});

test('events.json is streamed bundle by bundle, never built as one string', async () => {
  collector = await startTestCollector();
  for (let seq = 0; seq < 5; seq++) await collector.send(makeBundle({ seq, events: recordingStart(`bundle ${seq}`) as any }));
  const response = await fetch(`${collector.url}/sessions/o-demo.u-alice.s-1/events.json`);
  expect(response.headers.get('transfer-encoding')).toBe('chunked');
  expect(response.headers.get('content-length')).toBeNull();
  const events = await response.json();
  expect(events).toHaveLength(10);
  expect(JSON.stringify(events)).toContain('bundle 4');
});
