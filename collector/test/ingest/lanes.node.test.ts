import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, expect, test } from 'vitest';
import { makeBundle, recordingStart, sessionEvents, startTestCollector, TEST_NOW, type TestCollector } from '../fixtures';

const collectors: TestCollector[] = [];
afterEach(async () => {
  for (const collector of collectors.splice(0)) await collector.dispose();
});
const start = async (options: Parameters<typeof startTestCollector>[0]) => {
  const collector = await startTestCollector(options);
  collectors.push(collector);
  return collector;
};

const envelope = (pageId: string) => ({ v: 1, orgId: 'o-demo', userId: 'u-big', sessionId: 's-1', pageId, seq: 1, sentAt: TEST_NOW });

/** Arrays of one-digit arrays: ~500 KiB on the wire, 3.2 MiB inflated, ~50 MiB of heap once parsed. */
function heapHeavy(pageId: string): Buffer {
  const events = Array.from({ length: 2000 }, () => ({ type: 3, timestamp: TEST_NOW, data: { source: 1, p: Array.from({ length: 400 }, () => [Math.floor(Math.random() * 10)]) } }));
  return gzipSync(JSON.stringify({ ...envelope(pageId), events }));
}

/** A valid bundle inflating to `mib` MiB at ~40x (runs of one letter between random bytes), as the bench's attacker sends. */
function inflating(pageId: string, mib: number): Buffer {
  const chunks: string[] = [];
  for (let size = 0; size < mib * 1024 * 1024; size += 616) chunks.push(randomBytes(8).toString('hex') + 'a'.repeat(600));
  return gzipSync(JSON.stringify({ ...envelope(pageId), events: [{ type: 5, timestamp: TEST_NOW, data: { tag: 'x', payload: chunks.join('') } }] }));
}

const small = (collector: TestCollector, index: number) =>
  collector.send(makeBundle({ userId: `u-${index}`, pageId: `p-small-${index}`, events: recordingStart() as never }));

test('a decode worker that dies answers its request 503 with Retry-After, is replaced, and nothing acknowledged is lost', async () => {
  // A heap too small for the heavy body (the default is 512 MiB): its worker runs out of memory mid-parse.
  const collector = await start({ limits: { decodeWorkerHeapMiB: 32 } });
  const answers = await Promise.all([collector.post(heapHeavy('p-heavy')), ...Array.from({ length: 10 }, (_, index) => small(collector, index))]);
  expect(answers[0].status).toBe(503);
  expect(answers[0].headers.get('retry-after')).toBe('1');
  expect(answers[0].body.error).toBe('decode-failed');
  expect(answers.slice(1).map((answer) => answer.status)).toEqual(Array(10).fill(200));
  for (let index = 0; index < 10; index++) expect(await sessionEvents(collector.storage, 'o-demo', `u-${index}`, 's-1')).toHaveLength(recordingStart().length);
  expect(await sessionEvents(collector.storage, 'o-demo', 'u-big', 's-1')).toEqual([]);
  // The large lane has a worker again: a large body that fits its heap is stored.
  expect((await collector.post(inflating('p-after', 1))).status).toBe(200);
  expect(await sessionEvents(collector.storage, 'o-demo', 'u-big', 's-1')).toHaveLength(1);
});

test('small bundles do not wait behind inflating bodies: they are answered before the second of six large ones', async () => {
  const collector = await start({ limits: { inflatedBytesPerClientPerMinute: 1024 * 1024 * 1024 } });
  const order: string[] = [];
  const track = (name: string, answer: Promise<{ status: number }>) => answer.then(({ status }) => order.push(`${name}:${status}`));
  const large = Array.from({ length: 6 }, (_, index) => track('large', collector.post(inflating(`p-large-${index}`, 8))));
  const smalls = Array.from({ length: 10 }, (_, index) => track('small', small(collector, index)));
  await Promise.all([...large, ...smalls]);
  expect(order.filter((entry) => entry.startsWith('small'))).toEqual(Array(10).fill('small:200'));
  expect(order.filter((entry) => entry.startsWith('large'))).toEqual(Array(6).fill('large:200'));
  // Counted, not timed: one large body at most may finish while the small ones are still in flight.
  const largeBeforeLastSmall = order.slice(0, order.lastIndexOf('small:200')).filter((entry) => entry.startsWith('large')).length;
  expect(largeBeforeLastSmall).toBeLessThanOrEqual(1);
});

/** A raw connection that sends an ingest request's headers and the first bytes of a body it never finishes. */
function stalledUpload(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST /rec/bundle?v=1&enc=gzip HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: text/plain\r\nContent-Length: 4000\r\n\r\n`);
      socket.write(gzipSync('{"v":1').subarray(0, 8), () => resolve(socket));
    });
  });
}

test('clients that stall or vanish halfway through a body hold no decode slot: every small bundle is stored meanwhile', async () => {
  const collector = await start({});
  // More stalled uploads than the collector has decode workers, then half of them vanish.
  const stalled = await Promise.all(Array.from({ length: 4 }, () => stalledUpload(collector.url)));
  stalled.slice(0, 2).forEach((socket) => socket.destroy());
  const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => small(collector, index)));
  expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
  for (let index = 0; index < 10; index++) expect(await sessionEvents(collector.storage, 'o-demo', `u-${index}`, 's-1')).toHaveLength(recordingStart().length);
  stalled.forEach((socket) => socket.destroy());
});
