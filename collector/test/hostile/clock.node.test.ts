import { afterEach, expect, test } from 'vitest';
import { factAt, makeBundle, pageMetadata, startTestCollector, T0, TEST_NOW, type TestCollector } from '../fixtures';

let collector: TestCollector;
afterEach(() => collector?.dispose());

const HOUR = 3600_000;
const custom = (at: number) => factAt('custom', { EventCustomName: 'c', properties: {} }, at);
const factTimes = async () =>
  (await collector.storage.sessionFacts('o-demo', 'u-alice', 's-1')).map((fact) => fact.timestamp);

test('fractional timestamps are refused, so stored facts and export ids stay integers', async () => {
  collector = await startTestCollector();
  expect(await collector.send(makeBundle({ events: [custom(T0 + 0.5)] as any }))).toMatchObject({ status: 400, body: { error: 'bad-schema' } });
  expect(await collector.send(makeBundle({ sentAt: TEST_NOW + 0.25 }))).toMatchObject({ status: 400, body: { error: 'bad-schema' } });
  // performance.timeOrigin is fractional: a page start is rounded, not refused.
  expect((await collector.send(makeBundle({ page: pageMetadata({ startTime: T0 + 0.7 }) }))).status).toBe(200);
  expect((await collector.storage.listSessions({ limit: 1 }))[0].start).toBe(T0 + 1);
});

test('a client clock three hours slow is corrected per page from sentAt and the arrival time', async () => {
  collector = await startTestCollector();
  const skew = -3 * HOUR;
  const sentAt = TEST_NOW + skew;
  expect((await collector.send(makeBundle({ sentAt, page: pageMetadata({ startTime: sentAt - 5000 }), events: [custom(sentAt - 1000)] as any }))).status).toBe(200);
  // A retry of the page's next bundle, sent later: the page keeps the smallest offset.
  expect((await collector.send(makeBundle({ seq: 1, sentAt: sentAt - 60_000, events: [custom(sentAt - 61_000)] as any }))).status).toBe(200);
  expect(await factTimes()).toEqual([TEST_NOW - 61_000, TEST_NOW - 1000]);
});

test('events outside the window around the arrival time are refused', async () => {
  collector = await startTestCollector();
  expect(await collector.send(makeBundle({ events: [custom(TEST_NOW + 10 * 60_000)] as any }))).toMatchObject({ status: 400, body: { error: 'bad-timestamp' } });
  expect(await collector.send(makeBundle({ events: [custom(TEST_NOW - 8 * 24 * HOUR)] as any }))).toMatchObject({ status: 400, body: { error: 'bad-timestamp' } });
});
